import { createRouter, createWebHistory } from 'vue-router';

const ScreenView = () => import('./views/ScreenView.vue');

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/desk' },
    ...(['wall', 'desk', 'brief'] as const).map((screen) => ({
      path: `/${screen}`,
      component: ScreenView,
      props: { screen },
    })),
  ],
});
