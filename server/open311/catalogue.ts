import {
  CATEGORIES,
  defaultLimits,
  SEVERITIES,
  type Category,
  type DeadlineLimits,
  type Severity,
} from '../../shared/index.js';

/**
 * The Open311 service catalogue: our incident categories as services. The names match the web
 * app's (web/src/i18n), kept here because the server must not import the web's bundle and no
 * shared module carries category labels.
 */

export type Locale = 'zh' | 'en';

/** Bumped whenever the catalogue below changes, so clients know to fetch it again. */
export const CATALOGUE_CHANGESET = '2026-01-15T00:00:00Z';

type Text = Readonly<Record<Locale, string>>;

interface ServiceText {
  name: Text;
  description: Text;
  group: Text;
  keywords: Readonly<Record<Locale, readonly string[]>>;
}

const ORDER_AND_SAFETY: Text = { zh: '平安稳定', en: 'Safety and order' };
const LIVELIHOOD: Text = { zh: '城市与民生', en: 'City and livelihood' };

const SERVICES: Readonly<Record<Category, ServiceText>> = {
  dispute: {
    name: { zh: '矛盾纠纷', en: 'Dispute' },
    description: {
      zh: '邻里、家庭、物业、劳资等矛盾纠纷，由调解组织介入化解',
      en: 'Disputes between neighbours, families, tenants and landlords or employers, for mediation',
    },
    group: ORDER_AND_SAFETY,
    keywords: { zh: ['纠纷', '调解', '邻里', '噪音'], en: ['dispute', 'mediation', 'neighbours'] },
  },
  'public-order': {
    name: { zh: '治安', en: 'Public order' },
    description: {
      zh: '打架斗殴、聚集滋事等影响治安的情况',
      en: 'Fights, disturbances and other breaches of public order',
    },
    group: ORDER_AND_SAFETY,
    keywords: { zh: ['治安', '打架', '滋事'], en: ['public order', 'fight', 'disturbance'] },
  },
  'safety-hazard': {
    name: { zh: '安全隐患', en: 'Safety hazard' },
    description: {
      zh: '消防通道堵塞、燃气、危房、电动车违规充电等安全隐患',
      en: 'Blocked fire exits, gas, unsafe buildings, e-bikes charging indoors and other hazards',
    },
    group: ORDER_AND_SAFETY,
    keywords: { zh: ['隐患', '消防', '燃气'], en: ['hazard', 'fire', 'gas'] },
  },
  'city-management': {
    name: { zh: '城市管理', en: 'City management' },
    description: {
      zh: '占道经营、乱堆乱放、市政设施损坏、环境卫生等',
      en: 'Street vending, dumping, damaged public facilities, sanitation',
    },
    group: LIVELIHOOD,
    keywords: { zh: ['城管', '占道', '垃圾', '井盖'], en: ['street', 'rubbish', 'facilities'] },
  },
  'citizen-request': {
    name: { zh: '民生诉求', en: 'Citizen request' },
    description: {
      zh: '供水、供电、物业服务、社会保障等民生诉求与咨询',
      en: 'Requests and enquiries about water, power, property services, social security',
    },
    group: LIVELIHOOD,
    keywords: { zh: ['诉求', '咨询', '民生'], en: ['request', 'enquiry', 'services'] },
  },
  'video-alarm': {
    name: { zh: '视频告警', en: 'Video alarm' },
    description: {
      zh: '视频监控发现的异常情况（多由视频分析系统上报）',
      en: 'Something seen on a surveillance camera (mostly reported by video analytics)',
    },
    group: ORDER_AND_SAFETY,
    keywords: { zh: ['视频', '监控', '告警'], en: ['camera', 'video', 'alarm'] },
  },
  emergency: {
    name: { zh: '应急', en: 'Emergency' },
    description: {
      zh: '火灾、内涝、事故等需要立即处置的突发事件',
      en: 'Fires, flooding, accidents and other events that need an immediate response',
    },
    group: ORDER_AND_SAFETY,
    keywords: { zh: ['应急', '火灾', '内涝', '事故'], en: ['emergency', 'fire', 'flood'] },
  },
};

const SEVERITY_NAMES: Readonly<Record<Severity, Text>> = {
  low: { zh: '一般', en: 'Low' },
  medium: { zh: '较大', en: 'Medium' },
  high: { zh: '重大', en: 'High' },
  critical: { zh: '特别重大', en: 'Critical' },
};

/** The attributes every service takes (`attribute[code]=key`), all optional. */
export const ATTRIBUTE_CODES = ['severity', 'group_risk'] as const;
export type AttributeCode = (typeof ATTRIBUTE_CODES)[number];

export function isCategory(code: string): code is Category {
  return (CATEGORIES as readonly string[]).includes(code);
}

export function serviceName(category: Category, locale: Locale): string {
  return SERVICES[category].name[locale];
}

/** GET services.json: one entry per category. */
export function serviceList(locale: Locale) {
  return CATEGORIES.map((code) => {
    const s = SERVICES[code];
    return {
      service_code: code,
      service_name: s.name[locale],
      description: s.description[locale],
      // Every service has the attributes below, so a client should fetch its definition.
      metadata: true,
      type: 'realtime' as const,
      keywords: s.keywords[locale].join(','),
      group: s.group[locale],
    };
  });
}

/** GET services/{code}.json: the attributes a request of this service may carry. */
export function serviceDefinition(category: Category, locale: Locale) {
  const zh = locale === 'zh';
  return {
    service_code: category,
    attributes: [
      {
        variable: true,
        code: 'severity' satisfies AttributeCode,
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: zh ? '不填则按类型默认' : 'Left out: the category’s default',
        order: 1,
        description: zh ? '严重程度' : 'How serious it is',
        values: SEVERITIES.map((key) => ({ key, name: SEVERITY_NAMES[key][locale] })),
      },
      {
        variable: true,
        code: 'group_risk' satisfies AttributeCode,
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: zh ? '不填则为否' : 'Left out: false',
        order: 2,
        description: zh
          ? '是否涉及多人、可能引发群体性事件'
          : 'Many people involved: could turn into a group incident',
        values: [
          { key: 'true', name: zh ? '是' : 'Yes' },
          { key: 'false', name: zh ? '否' : 'No' },
        ],
      },
    ],
  };
}

/**
 * What the centre commits to for a service: its time limits to accept and to handle (限时办结),
 * from the same limits the workflow runs on.
 */
export function serviceNotice(
  category: Category,
  locale: Locale,
  limits: DeadlineLimits = defaultLimits,
): string {
  const accept = duration(limits(category, 'accept'), locale);
  const handle = duration(limits(category, 'handle'), locale);
  return locale === 'zh'
    ? `受理时限${accept}；部门签收后${handle}内处置`
    : `Accepted within ${accept}; handled within ${handle} once a department takes it on`;
}

function duration(ms: number, locale: Locale): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return locale === 'zh' ? `${minutes}分钟` : `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return locale === 'zh' ? `${hours}小时` : `${hours} h`;
}

/**
 * The caller's language: `?locale=` first (Open311's own parameter), then the Accept-Language
 * header's first tag. Chinese unless English is asked for: the centre works in Chinese.
 */
export function localeOf(query: unknown, acceptLanguage: string | undefined): Locale {
  const given = (query as Record<string, unknown> | undefined)?.locale;
  const tag = typeof given === 'string' && given ? given : (acceptLanguage ?? '').split(',')[0];
  return /^\s*en\b/i.test(tag ?? '') ? 'en' : 'zh';
}
