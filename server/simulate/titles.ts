import type { CameraSite, Category, DepartmentKind, Severity } from '../../shared/index.js';
import { between, intBetween, pick, weighted, type Random } from './random.js';

/**
 * What people actually report, per category: the title a duty officer reads in the queue, a few
 * ways the description is put, which departments usually handle it, and how serious it tends
 * to be. Descriptions fill in {community}, {community}附近, {building}, {unit}, {floor}, {n}, {camera}.
 */
export interface TitleTemplate {
  title: string;
  descriptions: readonly string[];
  /** Department kinds that handle it, most likely first; the category default otherwise. */
  departments?: readonly DepartmentKind[];
  /** Multiplies how often this title is drawn within its category (default 1). */
  weight?: number;
  /** Severity leaning: 'up' for things that get serious, 'down' for routine nuisances. */
  lean?: 'up' | 'down';
  /** Chance that it could turn into a group incident (群体性事件风险). */
  groupRisk?: number;
  /** Video alarms: the camera sites where the analytics raise it. */
  sites?: readonly CameraSite[];
}

export const TITLES: Readonly<Record<Category, readonly TitleTemplate[]>> = {
  dispute: [
    {
      title: '邻里噪音纠纷',
      descriptions: [
        '{community}{building}栋{floor}楼住户反映楼上夜间噪音扰民，双方多次争吵，情绪激动。',
        '{community}{building}栋住户因装修噪音发生口角，要求社区出面协调。',
      ],
      departments: ['mediation', 'street-office'],
      weight: 3,
      lean: 'down',
    },
    {
      title: '楼上漏水引发邻里纠纷',
      descriptions: [
        '{community}{building}栋{unit}单元楼上卫生间漏水至楼下，双方就维修费用协商不成。',
      ],
      departments: ['mediation', 'street-office'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '家庭矛盾纠纷',
      descriptions: [
        '{community}{building}栋一户家庭成员因赡养问题发生争执，邻居报告有推搡。',
        '{community}居民夫妻争吵升级，网格员上门劝解，建议调解介入。',
      ],
      departments: ['mediation', 'street-office', 'public-security'],
      weight: 2,
    },
    {
      title: '物业服务纠纷',
      descriptions: [
        '{community}多名业主反映物业公司擅自上调停车费，与物业发生争执。',
        '{community}业主与物业因电梯长期故障维修费用分摊产生纠纷。',
      ],
      departments: ['street-office', 'housing', 'mediation'],
      weight: 2,
      groupRisk: 0.08,
    },
    {
      title: '农民工讨薪',
      descriptions: [
        '{community}附近在建工地约{n}名务工人员聚集讨要拖欠工资，情绪激动。',
        '{community}附近工地务工人员反映被拖欠工资三个月，要求协调解决。',
      ],
      departments: ['street-office', 'mediation', 'letters-visits'],
      lean: 'up',
      groupRisk: 0.45,
    },
    {
      title: '土地承包纠纷',
      descriptions: ['{community}村民因承包地边界划分发生争执，双方各执一词。'],
      departments: ['mediation', 'street-office'],
      lean: 'down',
    },
    {
      title: '宅基地界址纠纷',
      descriptions: ['{community}两户村民因建房宅基地界址发生争执，一方阻止施工。'],
      departments: ['mediation', 'street-office'],
    },
    {
      title: '停车位纠纷',
      descriptions: [
        '{community}{building}栋楼下两车主因争抢车位发生口角，一方车辆被堵。',
        '{community}业主反映私装地锁占用公共车位，引发邻里矛盾。',
      ],
      departments: ['mediation', 'street-office'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '消费纠纷',
      descriptions: ['{community}附近一商户与顾客因退换货问题发生争执，顾客要求赔偿。'],
      departments: ['market-regulation', 'mediation'],
      lean: 'down',
    },
    {
      title: '房屋租赁纠纷',
      descriptions: ['{community}{building}栋租户反映房东拒不退还押金，双方协商未果。'],
      departments: ['mediation', 'housing'],
      lean: 'down',
    },
    {
      title: '拆迁补偿纠纷',
      descriptions: ['{community}部分居民对拆迁补偿标准有异议，约{n}人到社区反映诉求。'],
      departments: ['street-office', 'housing', 'letters-visits'],
      lean: 'up',
      groupRisk: 0.5,
    },
    {
      title: '宠物扰民纠纷',
      descriptions: ['{community}{building}栋住户反映邻居饲养犬只夜间吠叫、不拴绳，双方争吵。'],
      departments: ['mediation', 'street-office'],
      lean: 'down',
    },
  ],
  'public-order': [
    {
      title: '打架斗殴',
      descriptions: [
        '{community}附近一烧烤店门口{n}名男子酒后发生肢体冲突。',
        '{community}附近有人斗殴，现场有人受轻伤。',
      ],
      lean: 'up',
      weight: 2,
    },
    {
      title: '醉酒滋事',
      descriptions: ['{community}附近一名男子醉酒后在路边大声叫骂、拍打过往车辆。'],
      weight: 2,
    },
    {
      title: '可疑人员徘徊',
      descriptions: ['{community}{building}栋附近有陌生男子多次尝试拉拽单元门，形迹可疑。'],
      lean: 'down',
    },
    {
      title: '电动车被盗',
      descriptions: ['{community}{building}栋楼下一辆电动自行车夜间被盗，车主报警。'],
      lean: 'down',
      weight: 2,
    },
    {
      title: '电信诈骗预警',
      descriptions: ['{community}一名老人疑似遭遇冒充公检法诈骗，正准备前往银行转账。'],
      lean: 'up',
    },
    {
      title: '非法聚集赌博',
      descriptions: ['{community}附近一出租屋内疑有{n}余人聚众赌博。'],
    },
    {
      title: '商户纠纷冲突',
      descriptions: ['{community}附近两家商户因揽客发生推搡，围观群众较多。'],
      departments: ['public-security', 'market-regulation'],
    },
  ],
  'safety-hazard': [
    {
      title: '电动车楼道充电',
      descriptions: [
        '{community}{building}栋{unit}单元楼道内有电动车飞线充电，存在火灾隐患。',
        '网格员巡查发现{community}{building}栋楼道停放多辆电动车并私拉电线充电。',
      ],
      departments: ['fire', 'street-office'],
      weight: 3,
      lean: 'down',
    },
    {
      title: '消防通道堵塞',
      descriptions: ['{community}{building}栋消防通道被杂物和车辆长期占用。'],
      departments: ['fire', 'street-office'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '燃气泄漏隐患',
      descriptions: [
        '{community}{building}栋{floor}楼住户闻到明显燃气味，已疏散楼内人员。',
        '{community}附近一餐饮店燃气软管老化开裂，有轻微泄漏。',
      ],
      departments: ['emergency-management', 'fire'],
      lean: 'up',
    },
    {
      title: '井盖缺失',
      descriptions: [
        '{community}附近人行道上一处井盖缺失，已有行人险些跌落。',
        '{community}门口路段井盖破损下陷，夜间无警示标志。',
      ],
      departments: ['water', 'city-management'],
      weight: 2,
    },
    {
      title: '高空抛物',
      descriptions: ['{community}{building}栋楼下发现从高处抛下的花盆碎片，险些砸中行人。'],
      departments: ['public-security', 'street-office'],
      weight: 2,
    },
    {
      title: '房屋墙体开裂',
      descriptions: ['{community}{building}栋外墙出现明显裂缝并有墙皮脱落，住户担心安全。'],
      departments: ['housing', 'emergency-management'],
    },
    {
      title: '广告牌松动',
      descriptions: ['{community}附近沿街商铺广告牌固定螺栓松脱，大风天气有坠落危险。'],
      departments: ['city-management', 'emergency-management'],
      lean: 'down',
    },
    {
      title: '老旧电线私拉乱接',
      descriptions: ['{community}{building}栋外墙电线私拉乱接、线路老化。'],
      departments: ['fire', 'housing'],
      lean: 'down',
    },
    {
      title: '河道护栏破损',
      descriptions: ['{community}附近滨河步道护栏断裂约{n}米，儿童经常在此玩耍。'],
      departments: ['water', 'city-management'],
    },
  ],
  'city-management': [
    {
      title: '占道经营',
      descriptions: [
        '{community}附近路口流动摊贩占用人行道经营，影响行人通行。',
        '{community}门口早市摊点超出划定区域占道经营。',
      ],
      departments: ['city-management'],
      weight: 3,
      lean: 'down',
    },
    {
      title: '违规停车',
      descriptions: ['{community}附近路段多辆车辆违停占用消防车道和盲道。'],
      departments: ['transport', 'city-management'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '垃圾堆积未清运',
      descriptions: [
        '{community}{building}栋旁垃圾桶满溢，生活垃圾堆积两天未清运，异味明显。',
        '{community}附近空地被倾倒建筑垃圾。',
      ],
      departments: ['city-management', 'environment'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '违章搭建',
      descriptions: ['{community}{building}栋顶楼住户在楼顶违规搭建彩钢房。'],
      departments: ['city-management', 'housing'],
    },
    {
      title: '餐饮油烟扰民',
      descriptions: ['{community}附近沿街餐馆油烟直排，楼上住户反映长期受影响。'],
      departments: ['environment', 'city-management'],
      lean: 'down',
    },
    {
      title: '共享单车乱停放',
      descriptions: ['{community}附近地铁口共享单车大量堆放，堵塞出入通道。'],
      departments: ['city-management', 'transport'],
      lean: 'down',
    },
    {
      title: '路灯不亮',
      descriptions: ['{community}周边路段连续{n}盏路灯不亮，夜间出行不便。'],
      departments: ['city-management'],
      lean: 'down',
    },
    {
      title: '乱贴小广告',
      descriptions: ['{community}{building}栋楼道及单元门张贴大量小广告。'],
      departments: ['city-management', 'street-office'],
      lean: 'down',
    },
  ],
  'citizen-request': [
    {
      title: '小区停水咨询',
      descriptions: [
        '市民来电反映{community}自今早起停水，未见停水通知，询问何时恢复供水。',
        '{community}{building}栋水压不足，高层住户用水困难。',
      ],
      departments: ['water', 'street-office'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '老旧小区加装电梯',
      descriptions: ['{community}{building}栋居民咨询加装电梯的申请流程与补贴政策。'],
      departments: ['housing', 'street-office'],
      lean: 'down',
    },
    {
      title: '低保申请咨询',
      descriptions: ['{community}一名居民家庭困难，咨询低保和临时救助申请办法。'],
      departments: ['civil-affairs', 'street-office'],
      lean: 'down',
    },
    {
      title: '子女入学学位咨询',
      descriptions: ['市民反映{community}划片学校学位紧张，咨询随迁子女入学政策。'],
      departments: ['education'],
      lean: 'down',
    },
    {
      title: '公交线路调整建议',
      descriptions: ['{community}居民建议增开早高峰公交班次，目前等车时间过长。'],
      departments: ['transport'],
      lean: 'down',
    },
    {
      title: '医保报销咨询',
      descriptions: ['市民咨询异地就医医保报销手续及所需材料。'],
      departments: ['health', 'street-office'],
      lean: 'down',
    },
    {
      title: '物业维修不及时',
      descriptions: ['{community}{building}栋单元门禁损坏半月，物业迟迟未修。'],
      departments: ['housing', 'street-office'],
      weight: 2,
      lean: 'down',
    },
    {
      title: '食品安全投诉',
      descriptions: ['市民投诉{community}附近一家快餐店卫生条件差，就餐后出现腹痛。'],
      departments: ['market-regulation'],
    },
    {
      title: '养老服务需求',
      descriptions: ['{community}独居老人家属询问社区助餐和上门护理服务。'],
      departments: ['civil-affairs', 'street-office'],
      lean: 'down',
    },
    {
      title: '噪音施工投诉',
      descriptions: ['市民投诉{community}附近工地夜间22点后仍在施工，噪音扰民。'],
      departments: ['environment', 'city-management'],
      weight: 2,
    },
  ],
  'video-alarm': [
    {
      title: '人员聚集',
      descriptions: ['{camera}检测到画面内约{n}人聚集，持续超过10分钟。'],
      sites: ['market', 'transport', 'school', 'hospital', 'crossing', 'main-road'],
      weight: 3,
    },
    {
      title: '区域入侵',
      descriptions: ['{camera}检测到有人翻越护栏进入警戒区域。'],
      sites: ['riverside', 'school', 'transport', 'residential'],
      weight: 2,
    },
    {
      title: '烟火识别',
      descriptions: ['{camera}检测到画面内出现烟雾和明火，疑似焚烧垃圾或起火。'],
      departments: ['fire', 'public-security'],
      sites: ['village-road', 'residential', 'market', 'riverside'],
      lean: 'up',
    },
    {
      title: '人员倒地',
      descriptions: ['{camera}检测到一名行人倒地超过2分钟未起身。'],
      departments: ['public-security', 'health'],
      sites: ['crossing', 'main-road', 'transport', 'hospital', 'market'],
    },
    {
      title: '占道经营告警',
      descriptions: ['{camera}检测到流动摊贩占道经营。'],
      departments: ['city-management'],
      sites: ['market', 'crossing', 'main-road', 'school'],
      lean: 'down',
      weight: 2,
    },
    {
      title: '车辆违停告警',
      descriptions: ['{camera}检测到车辆在禁停区域停放超过15分钟。'],
      departments: ['transport', 'public-security'],
      sites: ['crossing', 'main-road', 'school', 'hospital', 'transport'],
      lean: 'down',
      weight: 2,
    },
    {
      title: '溺水风险告警',
      descriptions: ['{camera}检测到有人在河边危险区域逗留。'],
      sites: ['riverside'],
      lean: 'up',
    },
  ],
  emergency: [
    {
      title: '交通事故',
      descriptions: [
        '{community}附近路口两车相撞，有人受伤，道路部分拥堵。',
        '{community}附近一辆电动车与小汽车发生碰撞，骑车人倒地。',
      ],
      departments: ['emergency-management', 'public-security', 'health'],
      weight: 3,
    },
    {
      title: '居民楼火情',
      descriptions: ['{community}{building}栋{floor}楼窗口冒出浓烟，疑似厨房起火。'],
      departments: ['fire', 'emergency-management'],
      lean: 'up',
      weight: 2,
    },
    {
      title: '道路积水',
      descriptions: ['{community}附近下穿通道积水约半米，有车辆熄火被困。'],
      departments: ['emergency-management', 'water', 'transport'],
    },
    {
      title: '老人走失',
      descriptions: ['{community}家属报告一名患阿尔茨海默症的老人走失约{n}小时。'],
      departments: ['public-security', 'street-office'],
    },
    {
      title: '树木倒伏',
      descriptions: ['{community}附近行道树被风刮倒，压住路边车辆并阻断一条车道。'],
      departments: ['emergency-management', 'city-management'],
      lean: 'down',
    },
    {
      title: '电梯困人',
      descriptions: ['{community}{building}栋电梯故障，有{n}人被困轿厢内。'],
      departments: ['emergency-management', 'fire', 'housing'],
    },
  ],
};

/** The department kinds a category goes to when its title names none. */
export const CATEGORY_DEPARTMENTS: Readonly<Record<Category, readonly DepartmentKind[]>> = {
  dispute: ['mediation', 'street-office'],
  'public-order': ['public-security'],
  'safety-hazard': ['emergency-management', 'fire', 'housing'],
  'city-management': ['city-management'],
  'citizen-request': ['street-office'],
  'video-alarm': ['public-security'],
  emergency: ['emergency-management'],
};

/** Severity mix before a title's lean; most of a centre's day is low and medium. */
const SEVERITY_MIX: Readonly<Record<Category, readonly [number, number, number, number]>> = {
  dispute: [0.45, 0.44, 0.1, 0.01],
  'public-order': [0.3, 0.52, 0.16, 0.02],
  'safety-hazard': [0.38, 0.46, 0.14, 0.02],
  'city-management': [0.7, 0.27, 0.03, 0],
  'citizen-request': [0.72, 0.26, 0.02, 0],
  'video-alarm': [0.35, 0.5, 0.13, 0.02],
  emergency: [0.08, 0.42, 0.4, 0.1],
};
const LEVELS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export interface TitleContext {
  community: string;
  grid: string;
  camera?: string;
}

export interface DrawnTitle {
  template: TitleTemplate;
  title: string;
  description: string;
  severity: Severity;
  groupRisk: boolean;
}

/** Picks a title for a category (for a video alarm, one the camera's site would raise). */
export function drawTitle(
  rng: Random,
  category: Category,
  context: TitleContext,
  site?: CameraSite,
): DrawnTitle {
  const all = TITLES[category];
  const fitting = site ? all.filter((t) => !t.sites || t.sites.includes(site)) : all;
  const template = weighted(rng, fitting.length ? fitting : all, (t) => t.weight ?? 1);
  const severity = drawSeverity(rng, category, template.lean);
  // Disputes rarely risk a group incident; some titles (wages, demolition) often do.
  const groupRiskChance =
    (template.groupRisk ?? (category === 'dispute' ? 0.01 : 0)) *
    (severity === 'low' ? 0.5 : severity === 'medium' ? 1 : 2);
  return {
    template,
    title: template.title,
    description: fill(pick(rng, template.descriptions), context, rng),
    severity,
    groupRisk: rng() < groupRiskChance,
  };
}

export function drawSeverity(rng: Random, category: Category, lean?: 'up' | 'down'): Severity {
  const base = SEVERITY_MIX[category];
  const shift = lean === 'up' ? [0.5, 1, 1.8, 2] : lean === 'down' ? [1.6, 0.8, 0.35, 0.2] : null;
  const weights = base.map((w, i) => w * (shift?.[i] ?? 1));
  return weighted(rng, LEVELS, (level) => weights[LEVELS.indexOf(level)] ?? 0);
}

function fill(template: string, context: TitleContext, rng: Random): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case 'community':
        return context.community;
      case 'grid':
        return context.grid;
      case 'camera':
        return context.camera ?? '视频点位';
      case 'building':
        return String(intBetween(rng, 1, 32));
      case 'unit':
        return String(intBetween(rng, 1, 4));
      case 'floor':
        return String(intBetween(rng, 2, 18));
      case 'n':
        return String(Math.round(between(rng, 3, 30)));
      default:
        return '';
    }
  });
}
