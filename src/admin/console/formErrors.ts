import type { Translate } from '../../i18n/translate.js';
import { isDomainError } from '../../identity/errors.js';
import type { InputIssue } from '../../identity/validation.js';
import type { UserFormErrors, UserFormValues } from '../../pages/console/userForms.js';

export interface FormFields {
  /** Each form field's label, by field name. */
  labels: Record<string, string>;
  /** The form field a domain path names (memberships.1.role → role2); by default the path itself, if it is a field. */
  fieldOf?: (path: string) => string | undefined;
  /** For refusals that name no field (the policy's): the field they are about, by error code. */
  byCode?: Record<string, string>;
}

/**
 * The errors of a refused form, by field, each message naming its field ("First name is required"): the domain keeps
 * every problem of an input (details.issues), so that a blank form lists them all. Null for errors that are not the
 * input's (not found, unexpected), which go on to the error handler.
 */
export function formErrors(t: Translate, error: unknown, values: UserFormValues, fields: FormFields): UserFormErrors | null {
  if (!isDomainError(error) || (error.kind === 'not_found' && !fields.byCode?.[error.code])) return null;
  const fieldOf = (path: string) => (fields.fieldOf ? fields.fieldOf(path) : path in fields.labels ? path : undefined);
  const issues = error.details?.issues as InputIssue[] | undefined;
  const errors: UserFormErrors = {};
  if (issues?.length) {
    for (const issue of issues) {
      const name = fieldOf(issue.field) ?? 'form';
      const label = fields.labels[name];
      if (errors[name]) continue;
      // An empty field is "required", whatever else its rule says of the empty text.
      const blank = name !== 'form' && !(values[name] ?? '').trim();
      errors[name] = !label ? issue.message : blank || issue.message === 'is required' ? t('console.form.required', { field: label }) : t('console.form.fieldProblem', { field: label, problem: issue.message });
    }
    return errors;
  }
  const name = fields.byCode?.[error.code] ?? (error.field ? fieldOf(error.field) : undefined) ?? 'form';
  return { [name]: error.message.replace(/^[\w.]+: /, '') };
}

/** The labels of a user's own attributes in the create and edit forms. */
export function attributeLabels(t: Translate): Record<string, string> {
  return {
    givenName: t('console.user.givenName'),
    familyName: t('console.user.familyName'),
    email: t('console.user.email'),
    phone: t('console.user.phone'),
    title: t('console.user.title'),
    sdkAccess: t('console.form.sdkAccess'),
    preferredLanguage: t('console.form.language'),
  };
}
