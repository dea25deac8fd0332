import type zhCN from './zh-CN.js';

export default {
  app: { title: 'City Brain · Governance Command Centre' },
  screen: { wall: 'Wall', desk: 'Duty desk', brief: 'Briefing', login: 'Sign in' },
  login: {
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong username or password',
    failed: 'Sign-in failed, try again',
  },
  live: { connected: 'Live', down: 'Link down: data may be stale' },
  map: { loading: 'Loading map…', grids: 'Grids' },
} satisfies typeof zhCN;
