import { createRouter, createWebHistory } from 'vue-router';
import { useSessionStore, type Screen } from './stores/session.js';

const DeskView = () => import('./views/DeskView.vue');
const SCREEN_VIEWS = {
  wall: () => import('./views/WallView.vue'),
  desk: DeskView,
  brief: DeskView,
  video: () => import('./views/VideoView.vue'),
};

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => `/${useSessionStore().screens[0] ?? 'login'}` },
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    ...(['wall', 'desk', 'brief', 'video'] as const).map((screen) => ({
      path: `/${screen}`,
      component: SCREEN_VIEWS[screen],
      props: screen === 'desk' || screen === 'brief' ? { screen } : {},
      meta: { screen },
    })),
  ],
});

/** The role decides which screens open; a wall reloads itself in with `?device=<token>`. */
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSessionStore();
  if (typeof to.query.device === 'string') {
    await session.useDeviceToken(to.query.device).catch(() => session.forget());
  }
  if (!session.token) return { path: '/login', query: { next: to.fullPath } };
  const screen = to.meta.screen as Screen | undefined;
  if (screen && !session.screens.includes(screen)) return `/${session.screens[0] ?? 'login'}`;
  return true;
});
