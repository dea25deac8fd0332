export default {
  app: { title: '城市大脑 · 综治指挥中心' },
  screen: { wall: '大屏', desk: '值班台', brief: '领导汇报', login: '登录' },
  login: {
    username: '用户名',
    password: '密码',
    submit: '登录',
    wrong: '用户名或密码错误',
    failed: '登录失败，请稍后重试',
  },
  live: { connected: '实时连接', down: '连接中断，数据可能已过时' },
  map: { loading: '地图加载中…', grids: '网格' },
};
