import { createRouter, createWebHistory } from 'vue-router';
import { whenUnauthenticated } from './api/http.js';
import { useSessionStore, type Screen } from './stores/session.js';

const DeskView = () => import('./views/DeskView.vue');
const SCREEN_VIEWS = {
  wall: () => import('./views/WallView.vue'),
  desk: DeskView,
  brief: () => import('./views/BriefView.vue'),
  video: () => import('./views/VideoView.vue'),
  dept: () => import('./views/DeptView.vue'),
  m: () => import('./views/MobileView.vue'),
};

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => `/${useSessionStore().screens[0] ?? 'login'}` },
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    {
      path: '/admin/audit',
      component: () => import('./views/AuditView.vue'),
      meta: { screen: 'audit' },
    },
    { path: '/stats', component: () => import('./views/StatsView.vue'), meta: { screen: 'stats' } },
    {
      path: '/replay',
      component: () => import('./views/ReplayView.vue'),
      meta: { screen: 'replay' },
    },
    // Screens are opened as `/<screen>`; the audit trail lives under /admin.
    { path: '/audit', redirect: '/admin/audit' },
    ...(['wall', 'desk', 'brief', 'video', 'dept', 'm'] as const).map((screen) => ({
      path: `/${screen}`,
      component: SCREEN_VIEWS[screen],
      props: screen === 'desk' ? { screen } : {},
      meta: { screen },
    })),
  ],
});

/**
 * The role decides which screens open. A wall PC is set up once with its device token in the
 * address (`/wall#device=<token>`, or `?device=`): the token is kept in the PC's storage and
 * taken out of the address at once, so it sits in no screenshot, history entry or server log.
 */
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSessionStore();
  const fromHash = /^#device=([^&]+)$/.exec(to.hash)?.[1];
  const device = typeof to.query.device === 'string' ? to.query.device : fromHash;
  if (device) {
    await session.useDeviceToken(decodeURIComponent(device)).catch(() => session.forget());
    const { device: _, ...query } = to.query;
    return { path: to.path, query, hash: fromHash ? '' : to.hash, replace: true };
  }
  if (!session.token) return { path: '/login', query: { next: to.fullPath } };
  const screen = to.meta.screen as Screen | undefined;
  if (screen && !session.screens.includes(screen)) return `/${session.screens[0] ?? 'login'}`;
  return true;
});

// A session that ended on the server (an API answer says so) sends the screen to the login
// page, to come back to where it was; a phone's outbox keeps what it has not sent.
whenUnauthenticated(() => {
  useSessionStore().forget();
  const here = router.currentRoute.value;
  if (!here.meta.public) void router.replace({ path: '/login', query: { next: here.fullPath } });
});
