/**
 * Sanctions of the fund-supervision regulation (State Council Decree 735, docs/domain.md §5),
 * shared by the penalty-case machine, the sanction ladder and the public inspection results.
 * Money is a decimal string with two places; `months` a whole number.
 */

/** The ladder's rungs, lightest first (docs/domain.md §5 "Sanction ladder"). */
export const SANCTION_TYPES = [
  'WARNING',
  'INTERVIEW',
  'ORDER_CORRECTION',
  'RECOVERY',
  'FINE',
  'SUSPENSION',
  'AGREEMENT_TERMINATION',
  'POLICE_REFERRAL',
  'BLACKLIST',
] as const;
export type SanctionType = (typeof SANCTION_TYPES)[number];

/** Decree 735 articles a violation can fall under. */
export const VIOLATION_ARTICLES = [38, 39, 40, 41] as const;
export type ViolationArticle = (typeof VIOLATION_ARTICLES)[number];

export const isArticle = (v: unknown): v is ViolationArticle =>
  (VIOLATION_ARTICLES as readonly unknown[]).includes(v);
export const isSanctionType = (v: unknown): v is SanctionType =>
  (SANCTION_TYPES as readonly unknown[]).includes(v);

/** The Chinese names of the measures, as notices and reasons print them. */
export const SANCTION_NAMES_ZH: Readonly<Record<SanctionType, string>> = {
  WARNING: '提醒告诫',
  INTERVIEW: '约谈',
  ORDER_CORRECTION: '责令改正',
  RECOVERY: '责令退回',
  FINE: '罚款',
  SUSPENSION: '暂停',
  AGREEMENT_TERMINATION: '解除服务协议',
  POLICE_REFERRAL: '移送公安机关',
  BLACKLIST: '失信联合惩戒',
};

/** What each article punishes, in Chinese. */
export const ARTICLE_NAMES_ZH: Readonly<Record<ViolationArticle, string>> = {
  38: '违规使用医保基金',
  39: '医保基金使用内部管理违规',
  40: '骗取医保基金',
  41: '个人违规享受医保待遇',
};

/** docs/api.md: `{ type, article, amount?, minAmount?, maxAmount?, months? }`. */
export interface Sanction {
  type: SanctionType;
  article: ViolationArticle;
  /** The amount decided (FINE, RECOVERY), two places. */
  amount?: string;
  /** The legal range of a proposed FINE (or the exact RECOVERY as min = max), two places. */
  minAmount?: string;
  maxAmount?: string;
  /** SUSPENSION: months decided (or proposed minimum); see minMonths/maxMonths for the range. */
  months?: number;
  minMonths?: number;
  maxMonths?: number;
  /** Why the ladder proposed it: the rule and the article, for the notice (告知书). */
  basis?: string;
}

/** One violation as the investigation records it. */
export interface Violation {
  article: ViolationArticle;
  /** Fund loss (art. 38, 41), two places; "0.00" when none. */
  lossAmount: string;
  /** Amount defrauded (art. 40, 41 fraud), two places; "0.00" when none. */
  fraudAmount: string;
  description?: string;
}
