export default {
  app: { title: '城市大脑 · 综治指挥中心' },
  screen: { wall: '大屏', desk: '值班台', brief: '领导汇报', login: '登录' },
  map: { loading: '地图加载中…', grids: '网格' },
};
