/**
 * Subscription plan rules (seed 003, `POST /subscription/apply`): the total duration of a plan and
 * the coupon period. Browser-safe like every rule here; the subscription schema runs them, so the
 * companion and the sandbox agree. Decisions: docs/protocol.md ("Subscriptions").
 */
import { ruleIssue, type RuleIssue } from './issues.js';

/** A recurring interval unit: `D` day, `W` week, `M` month, `Y` year (seed 003). */
export type RecurringUnit = 'D' | 'W' | 'M' | 'Y';

/**
 * The longest plan per unit, counted in that unit: `recurringIntervalCount × recurringMaxNumber` may not
 * exceed it. Seed 003: "Maximum number of cycles. Regardless of cycle type, maximum duration cannot
 * exceed 3 years." Three years are 3 years, 36 months, 1095 days (3 × 365: the shortest three years,
 * with no 29 February, so no start date makes a plan of 1095 days last longer than three years) and
 * 156 weeks (1092 days; 157 weeks are 1099 days, longer than any three years).
 */
export const SUBSCRIPTION_MAX_DURATION: Readonly<Record<RecurringUnit, number>> = {
  D: 1095,
  W: 156,
  M: 36,
  Y: 3,
};

const UNIT_NAMES: Readonly<Record<RecurringUnit, string>> = {
  D: 'days',
  W: 'weeks',
  M: 'months',
  Y: 'years',
};

function positiveInt(value: unknown): number | null {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? +value : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/**
 * Checks that a plan lasts at most three years: `recurringIntervalCount × recurringMaxNumber` units
 * of `recurringInterval` within {@link SUBSCRIPTION_MAX_DURATION}. A cycle lasts `recurringIntervalCount`
 * units and the plan ends after `recurringMaxNumber` cycles, so monthly × 36 is three years (fine) and
 * monthly × 37, yearly × 4 or every 2 months × 19 are longer (refused).
 *
 * Values that are not positive integers, or an unknown unit, are left to the field rules (`null`).
 *
 * @returns `null`, or `not_allowed` (params `max`, `unit`: the longest plan in that unit)
 * @example validateSubscriptionDuration('M', 1, 37) // { code: 'not_allowed', params: { max: 36, unit: 'M' }, … }
 */
export function validateSubscriptionDuration(
  recurringInterval: unknown,
  recurringIntervalCount: unknown,
  recurringMaxNumber: unknown,
): RuleIssue | null {
  const unit = recurringInterval;
  if (unit !== 'D' && unit !== 'W' && unit !== 'M' && unit !== 'Y') return null;
  const max = SUBSCRIPTION_MAX_DURATION[unit];
  const count = positiveInt(recurringIntervalCount);
  const cycles = positiveInt(recurringMaxNumber);
  if (count === null || cycles === null) return null;
  if (count * cycles <= max) return null;
  return ruleIssue(
    'not_allowed',
    `A subscription may last at most 3 years: recurringIntervalCount × recurringMaxNumber must be at most ${max} ${UNIT_NAMES[unit]}`,
    { max, unit },
  );
}

/**
 * Checks the coupon period against the plan. Seed 003: "Currently only the first period discount and
 * the full period discount are supported, i.e., couponPeriod can only be equal to 1 or
 * recurringMaxNumber." So 1 and `recurringMaxNumber` pass, anything between is refused (5 of 12).
 * An absent `couponPeriod` passes; values that are not positive integers are left to the field rules.
 *
 * @returns `null`, or `not_allowed` (param `max`: the plan's `recurringMaxNumber`, when known)
 */
export function validateCouponPeriod(couponPeriod: unknown, recurringMaxNumber: unknown): RuleIssue | null {
  const period = positiveInt(couponPeriod);
  if (period === null || period === 1) return null;
  const cycles = positiveInt(recurringMaxNumber);
  if (period === cycles) return null;
  return cycles === null
    ? ruleIssue('not_allowed', 'couponPeriod can only be 1 or recurringMaxNumber')
    : ruleIssue('not_allowed', `couponPeriod can only be 1 or recurringMaxNumber (${cycles})`, {
        max: cycles,
      });
}
