import type zhCN from './zh-CN.js';

export default {
  app: { title: 'City Brain · Governance Command Centre' },
  screen: { wall: 'Wall', desk: 'Duty desk', brief: 'Briefing', login: 'Sign in' },
  map: { loading: 'Loading map…', grids: 'Grids' },
} satisfies typeof zhCN;
