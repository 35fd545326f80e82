/**
 * What a principal may see: the clearing admin everything; operator staff
 * their operator's routes, revenue and exceptions; school staff their school
 * (pupils' cards, canteen); clinic staff nothing of money.
 */
import type { Principal } from './sessions.js';

export type Scope = { readonly kind: 'all' } | { readonly kind: 'operator'; readonly operatorId: string } | { readonly kind: 'school'; readonly schoolId: string } | { readonly kind: 'clinic'; readonly clinicId: string };

export function scopeOf(principal: Principal): Scope {
  switch (principal.role) {
    case 'clearing_admin':
      return { kind: 'all' };
    case 'operator_staff':
      return { kind: 'operator', operatorId: principal.organisationId };
    case 'school_staff':
      return { kind: 'school', schoolId: principal.organisationId };
    case 'clinic_staff':
      return { kind: 'clinic', clinicId: principal.organisationId };
  }
}

export const canSeeOperator = (scope: Scope, operatorId: string): boolean => scope.kind === 'all' || (scope.kind === 'operator' && scope.operatorId === operatorId);
export const canSeeSchool = (scope: Scope, schoolId: string): boolean => scope.kind === 'all' || (scope.kind === 'school' && scope.schoolId === schoolId);
