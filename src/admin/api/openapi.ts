/** The OpenAPI 3.1 description of the admin API. A test checks that it lists exactly the routes the API serves. */

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': { description: 'Invalid input: the error says which field and why', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'Not authenticated' },
  '403': { description: 'Not allowed for this administrator' },
  '404': { description: 'Not found, or outside what this administrator may see' },
};
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const queryParam = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });
const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });

function op(summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { summary, responses: { ...errors, ...responses }, ...extra };
}

const userListParams = [
  queryParam('search', 'At least 2 characters, found anywhere in the first or last name, username or email, ignoring case'),
  queryParam('status', 'Comma-separated statuses (LOCKED for both AUTO_LOCKED and LOCKED_BY_ADMIN), or "all"; when absent, ACTIVE only without a search and every status with one'),
  queryParam('role', 'Role key (see the role catalog)'),
  queryParam('organization', 'Organization slug'),
  queryParam('sort', 'givenName, familyName, userName, status, role, email, lastSignInAt, createdAt or updatedAt'),
  queryParam('order', 'asc (default) or desc'),
  queryParam('page', '1-based page', { type: 'integer', minimum: 1 }),
  queryParam('pageSize', 'Users per page (default 50, at most 500)', { type: 'integer', minimum: 1, maximum: 500 }),
];

export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const user = idParam('id', 'User id');
  return {
    openapi: '3.1.0',
    info: {
      title: 'idbridge admin API',
      version: '1',
      description:
        'Users, organizations, directories, SAML settings, SCIM tokens, role mappings and the audit log. Authenticate with an administrator API token (Authorization: Bearer idbadm_…), created in the console, or a service token (idbsvc_…), which belongs to no user and is created by the operator (idbridge admin-token create) or a platform administrator. Organization administrators see and change only the users of their organizations; everything else is for platform administrators.',
    },
    servers: [{ url: `${publicUrl}/api/admin/v1` }],
    security: [{ bearer: [] }],
    paths: {
      '/users': {
        get: op('List users (default: ACTIVE only without a search, every status with one)', { '200': json(ref('UserList')) }, { parameters: userListParams }),
        post: op('Create a local user and email the activation link', { '201': json(ref('User'), 'Created') }, { requestBody: body(ref('NewUser')) }),
      },
      '/users.csv': { get: op('Export the filtered list as CSV', { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } } }, { parameters: userListParams }) },
      '/users/{id}': {
        get: op('A user, with memberships and where each came from', { '200': json(ref('User')) }, { parameters: [user] }),
        patch: op('Edit a user (SSO users: only SDK access and language)', { '200': json(ref('User')), '412': { description: 'If-Match does not match' } }, { parameters: [user, { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }], requestBody: body(ref('UserEdit')) }),
        delete: op('Delete from the platform, for good', { '204': { description: 'Deleted' } }, { parameters: [user], requestBody: body({ type: 'object', required: ['confirm'], properties: { confirm: { type: 'string', description: "The user's username, as confirmation" } } }) }),
      },
      '/users/{id}/{action}': {
        post: op('lock, unlock (sendPasswordReset: true sends a reset), password-reset, activation-email, mfa-reset, deactivate, reactivate', { '200': json(ref('User')), '409': { description: 'Not possible in the user\'s status' } }, {
          parameters: [user, { name: 'action', in: 'path', required: true, schema: { enum: ['lock', 'unlock', 'password-reset', 'activation-email', 'mfa-reset', 'deactivate', 'reactivate'] } }],
          requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { sendPasswordReset: { type: 'boolean' } } } } } },
        }),
      },
      '/users/{id}/memberships/{organization}': {
        put: op('Give or change the role in an organization (never above your own)', { '200': json(ref('User')) }, { parameters: [user, idParam('organization', 'Organization slug or id')], requestBody: body({ type: 'object', required: ['role'], properties: { role: { type: 'string' } } }) }),
        delete: op('Remove from one organization (the user stays)', { '200': json(ref('User')) }, { parameters: [user, idParam('organization', 'Organization slug or id'), queryParam('notify', 'Email the user', { type: 'boolean' })] }),
      },
      '/organizations/{organization}/members': {
        post: op(
          'Add an existing local user, found by email address, to an organization (never above your own role; without a role, the catalog\'s default); the user is emailed. Each lookup is audited and limited per administrator.',
          {
            '201': json(ref('MemberAdded'), 'Added'),
            '200': json(ref('MemberAdded'), 'Already a member: nothing changed'),
            '404': { description: 'user.no_account: no local user has this address (create one with POST /users); or the organization is not one of yours', content: { 'application/json': { schema: ref('Error') } } },
            '429': { description: 'membership.lookup_limit: too many addresses looked up in the last hour' },
          },
          { parameters: [idParam('organization', 'Organization slug or id')], requestBody: body({ type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, role: { type: 'string', description: "Role key; absent: the catalog's default for the organization's kind" } } }) },
        ),
      },
      '/organizations': { get: op('Organizations you manage (all for platform administrators)', { '200': json({ type: 'object' }) }), post: op('Create an organization', { '201': json(ref('Organization'), 'Created') }, { requestBody: body(ref('Organization')) }) },
      '/organizations/{id}': {
        get: op('An organization', { '200': json(ref('Organization')) }, { parameters: [idParam('id', 'Slug or id')] }),
        patch: op('Rename, change the policy or the support contact', { '200': json(ref('Organization')) }, { parameters: [idParam('id', 'Slug or id')], requestBody: body({ type: 'object' }) }),
        delete: op('Delete an organization and its memberships', { '204': { description: 'Deleted' } }, { parameters: [idParam('id', 'Slug or id')] }),
      },
      '/organizations/{id}/brand': {
        get: op("The organization's brand: what it set, its logo, its support contact and the brand its pages and emails show", { '200': json(ref('BrandView')) }, { parameters: [idParam('id', 'Slug or id')] }),
        patch: op('Change the brand: each field given is set, null or "" clears it (the platform\'s applies), absent fields stay. Audited (organization.brand_changed, with the fields changed)', { '200': json(ref('BrandView')) }, { parameters: [idParam('id', 'Slug or id')], requestBody: body(ref('BrandInput')) }),
      },
      '/organizations/{id}/brand/logo': {
        put: op(
          'Upload the logo: the image itself as the body (PNG, JPEG or WebP; the type is read from the bytes and must match Content-Type). SVG, damaged files and images outside the size and dimension limits are refused with the reason. Audited (organization.brand_logo_changed)',
          {
            '200': json(ref('BrandView')),
            '413': { description: 'logo.too_large: larger than the limit (configuration brand.logoMaxKiB), named in the message', content: { 'application/json': { schema: ref('Error') } } },
            '415': { description: 'The body is not an image (a JSON body), or it is compressed (Content-Encoding)', content: { 'application/json': { schema: ref('Error') } } },
          },
          {
            parameters: [idParam('id', 'Slug or id')],
            requestBody: { required: true, content: Object.fromEntries(['image/png', 'image/jpeg', 'image/webp'].map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) },
          },
        ),
        delete: op('Remove the logo (pages and emails show the name alone)', { '200': json(ref('BrandView')) }, { parameters: [idParam('id', 'Slug or id')] }),
      },
      '/directories': { get: op('Directories', { '200': json({ type: 'object' }) }), post: op('Create an SSO directory', { '201': json({ type: 'object' }, 'Created') }, { requestBody: body({ type: 'object', properties: { kind: { const: 'sso' }, name: { type: 'string' }, organizations: { type: 'array', items: { type: 'string' } } } }) }) },
      '/directories/{id}': { get: op('A directory', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id')] }), delete: op('Delete an SSO directory without users', { '204': { description: 'Deleted' } }, { parameters: [idParam('id', 'Name or id')] }) },
      '/directories/{id}/organizations/{organization}': {
        put: op('Let the directory grant roles in an organization', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id'), idParam('organization', 'Slug or id')] }),
        delete: op('Stop it', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id'), idParam('organization', 'Slug or id')] }),
      },
      '/directories/{id}/saml': {
        get: op('SAML settings and the SP addresses to give the IdP', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id')] }),
        put: op('Set the SAML settings (from "metadata" XML and/or the fields)', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id')], requestBody: body(ref('SamlSettings')) }),
        delete: op('Remove the SAML settings', { '204': { description: 'Removed' } }, { parameters: [idParam('id', 'Name or id')] }),
      },
      '/directories/{id}/scim-tokens': {
        get: op('SCIM tokens (never the secrets)', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Name or id')] }),
        post: op('Create a SCIM token: the token is in this answer only', { '201': json({ type: 'object' }, 'Created') }, { parameters: [idParam('id', 'Name or id')], requestBody: body({ type: 'object', properties: { name: { type: 'string' }, organization: { type: 'string' }, expiresInDays: { type: 'integer' } } }) }),
      },
      '/directories/{id}/provisioning-health': {
        get: op("Provisioning health: when the directory's IdP last called SCIM, its requests in the last 24 hours by answer, its last errors as answered, and a warning when it has been quiet longer than its usual cycle", { '200': json(ref('ProvisioningHealth')) }, { parameters: [idParam('id', 'Name or id')] }),
      },
      '/scim-tokens/{id}': { delete: op('Revoke a SCIM token', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Token id')] }) },
      '/role-mappings': {
        get: op('Role mappings', { '200': json({ type: 'object' }) }, { parameters: [queryParam('directory', 'Directory name or id')] }),
        post: op('Map groups to a role in an organization', { '201': json({ type: 'object' }, 'Created') }, { requestBody: body({ type: 'object', required: ['directory', 'matchType', 'matchValue', 'organization', 'role'], properties: { directory: { type: 'string' }, matchType: { enum: ['displayName', 'externalId', 'pattern'] }, matchValue: { type: 'string' }, organization: { type: 'string' }, role: { type: 'string' } } }) }),
      },
      '/role-mappings/{id}': {
        patch: op('Change a mapping', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Mapping id')], requestBody: body({ type: 'object' }) }),
        delete: op('Delete a mapping (and the roles it gave)', { '204': { description: 'Deleted' } }, { parameters: [idParam('id', 'Mapping id')] }),
      },
      '/oidc-clients': {
        get: op('Portal applications (OpenID Connect clients), never their secrets', { '200': json({ type: 'object' }) }),
        post: op('Register a portal application: the client secret is in this answer only', { '201': json({ type: 'object' }, 'Created') }, { requestBody: body(ref('OidcClient')) }),
      },
      '/oidc-clients/{id}': {
        get: op('A portal application', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'client_id')] }),
        patch: op('Change redirect URIs, post-logout URIs, first-party or organizations', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'client_id')], requestBody: body(ref('OidcClient')) }),
        delete: op('Delete a portal application and everything issued to it', { '204': { description: 'Deleted' } }, { parameters: [idParam('id', 'client_id')] }),
      },
      '/audit-events': {
        get: op('The audit log, newest first', { '200': json({ type: 'object' }) }, {
          parameters: [queryParam('actor', 'Actor id'), queryParam('user', 'User id'), queryParam('organization', 'Organization slug or id'), queryParam('action', 'An action, or a prefix ending in "." such as "user."'), queryParam('from', 'ISO date-time', { type: 'string', format: 'date-time' }), queryParam('to', 'ISO date-time', { type: 'string', format: 'date-time' }), queryParam('limit', 'At most 1000', { type: 'integer' }), queryParam('offset', 'Skip', { type: 'integer' })],
        }),
      },
      '/events': {
        get: op(
          'The change feed: events in commit order, a page at a time (platform level: every event; organization administrators: the events of their organizations). Follow next_cursor to read on without gaps or repeats; events are kept events.retentionDays (default 30)',
          { '200': json(ref('EventPage')) },
          {
            parameters: [
              queryParam('after', 'The next_cursor of a previous page (opaque); absent: from the oldest event kept. A cursor this feed did not give answers 400'),
              queryParam('types', 'Comma-separated event types, such as user.deactivated,membership.removed; an unknown type answers 400'),
              queryParam('organization', 'Organization slug or id: only the events that concern it (an organization administrator may name only its own)'),
              queryParam('limit', 'Events per page, 1 to 1000 (default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
            ],
          },
        ),
      },
      '/api-tokens': { get: op('Your API tokens', { '200': json({ type: 'object' }) }), post: op('Create an API token: shown in this answer only', { '201': json({ type: 'object' }, 'Created') }, { requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, expiresInDays: { type: 'integer', default: 90 } } }) }) },
      '/api-tokens/{id}': { delete: op('Revoke one of your API tokens', { '200': json({ type: 'object' }) }, { parameters: [idParam('id', 'Token id')] }) },
      '/service-tokens': {
        get: op('Service tokens (platform administrators), never the secrets', { '200': json({ type: 'object', properties: { tokens: { type: 'array', items: ref('ServiceToken') } } }) }),
        post: op('Create a service token: shown in this answer only', { '201': json(ref('ServiceToken'), 'Created') }, {
          requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, organization: { type: 'string', description: 'Slug or id: the token administers this organization only; absent: platform level' }, expiresInDays: { type: 'integer', default: 90, description: '0: no expiry; at most 730' } } }),
        }),
      },
      '/service-tokens/{id}': { delete: op('Revoke a service token', { '200': json(ref('ServiceToken')) }, { parameters: [idParam('id', 'Token id')] }) },
      '/webhooks': {
        get: op('Webhook subscriptions you manage (organization administrators: their organizations\' only)', { '200': json({ type: 'object', properties: { webhooks: { type: 'array', items: ref('Webhook') } } }) }, { parameters: [queryParam('organization', 'Organization slug or id'), queryParam('client', 'A portal application\'s client_id')] }),
        post: op('Subscribe a portal application (platform administrators) or an organization to events: the signing secret (whsec_…) is in this answer only', { '201': json(ref('Webhook'), 'Created (with `secret`)') }, { requestBody: body(ref('WebhookInput')) }),
      },
      '/webhooks/{id}': {
        get: op('A webhook subscription (never its secret)', { '200': json(ref('Webhook')) }, { parameters: [idParam('id', 'Subscription id')] }),
        patch: op('Change the URL, event types, organizations, description or enabled; a new URL or enabling it again resets its circuit and failure flag', { '200': json(ref('Webhook')) }, { parameters: [idParam('id', 'Subscription id')], requestBody: body(ref('WebhookInput')) }),
        delete: op('Delete a subscription and its delivery log', { '204': { description: 'Deleted' } }, { parameters: [idParam('id', 'Subscription id')] }),
      },
      '/webhooks/{id}/rotate-secret': {
        post: op('A new signing secret, in this answer only; the previous one still signs beside it for graceHours (default 24)', { '200': json(ref('Webhook'), 'Rotated (with `secret`)') }, {
          parameters: [idParam('id', 'Subscription id')],
          requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { graceHours: { type: 'integer', minimum: 0, maximum: 720 } } } } } },
        }),
      },
      '/webhooks/{id}/deliveries': {
        get: op('The delivery log, latest events first: status, attempts, last response code, duration and at most 200 characters of the answer', { '200': json({ type: 'object', properties: { deliveries: { type: 'array', items: ref('WebhookDelivery') }, next: { type: ['integer', 'null'], description: 'Pass as `before` for the next page' } } }) }, {
          parameters: [idParam('id', 'Subscription id'), queryParam('status', 'pending, sending, delivered or failed'), queryParam('before', 'Only events before this position', { type: 'integer' }), queryParam('limit', 'At most 500 (default 50)', { type: 'integer' })],
        }),
      },
      '/webhooks/{id}/deliveries/{delivery}/send-again': {
        post: op('Send a delivery again (queued now with a fresh schedule of retries)', { '200': json(ref('WebhookDelivery')), '409': { description: 'webhook.delivery_in_flight (being sent now) or webhook.event_gone (the event is no longer kept)', content: { 'application/json': { schema: ref('Error') } } } }, { parameters: [idParam('id', 'Subscription id'), idParam('delivery', 'Delivery id')] }),
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An administrator API token (idbadm_…) or a service token (idbsvc_…)' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } } },
        User: { type: 'object', description: 'id, userName, name, emails, phoneNumbers, title, status, sdkAccess, lastSignInAt, createdAt, updatedAt, version, memberships (organization, effective role, sources), managedBy (local or idp)' },
        UserList: { type: 'object', properties: { total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' }, users: { type: 'array', items: ref('User') } } },
        NewUser: {
          type: 'object',
          required: ['givenName', 'familyName', 'email', 'phone', 'title', 'sdkAccess', 'memberships'],
          properties: {
            givenName: { type: 'string' },
            familyName: { type: 'string' },
            email: { type: 'string', format: 'email' },
            phone: { type: 'string' },
            title: { type: 'string' },
            sdkAccess: { type: 'boolean' },
            preferredLanguage: { enum: ['en', 'es'] },
            memberships: { type: 'array', minItems: 1, items: { type: 'object', required: ['organization'], properties: { organization: { type: 'string' }, role: { type: 'string', description: "Role key; absent: the catalog's default for the organization's kind (never its highest)" } } } },
          },
        },
        MemberAdded: { type: 'object', properties: { outcome: { enum: ['added', 'already_member'] }, notified: { type: 'boolean', description: 'Whether the user was emailed (not while PROVISIONED or INACTIVE)' }, user: ref('User') } },
        UserEdit: { type: 'object', properties: { givenName: { type: 'string' }, familyName: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' }, title: { type: 'string' }, sdkAccess: { type: 'boolean' }, preferredLanguage: { enum: ['en', 'es', null] } } },
        Organization: { type: 'object', properties: { kind: { enum: ['utility', 'customer'] }, name: { type: 'string' }, slug: { type: 'string' }, policy: { type: 'object', properties: { mfaRequired: { type: 'boolean' }, passwordMaxAgeDays: { type: 'integer' }, passwordResetTtlHours: { type: 'integer' }, activationTtlHours: { type: 'integer' } } }, support: { type: 'object', description: 'Whom its people ask when they cannot sign in, shown on the sign-in, locked-account and link pages and in emails; every part optional, an empty string or null clears it (a PATCH replaces the whole contact)', properties: { text: { type: 'string', maxLength: 300 }, email: { type: 'string', format: 'email' }, phone: { type: 'string', maxLength: 40 }, url: { type: 'string', format: 'uri', description: 'http or https' } } } } },
        BrandInput: {
          type: 'object',
          additionalProperties: false,
          description: 'Every field optional: given, it is set; null or "" clears it; absent, it stays',
          properties: {
            displayName: { type: ['string', 'null'], maxLength: 100, description: "The name pages and emails show; unset: the organization's name" },
            primaryColor: { type: ['string', 'null'], pattern: '^#[0-9a-fA-F]{6}$', description: 'Buttons and links; must reach WCAG AA (4.5:1) with white text and against the page background (#f4f6f8), else refused saying the contrast it has' },
            productName: { type: ['string', 'null'], maxLength: 100, description: 'The product named in emails ("River Water customer portal")' },
            senderName: { type: ['string', 'null'], maxLength: 100, description: 'The display name of the emails\' sender (the address stays the platform\'s); no < > or "' },
            authenticatorName: { type: ['string', 'null'], maxLength: 64, description: 'The name authenticator apps list the account under; no ":"' },
          },
        },
        Logo: { type: 'object', properties: { path: { type: 'string', description: "Public path on idbridge's origin, /brand/{slug}/logo-{hash}.{ext}; changes with the image" }, contentType: { enum: ['image/png', 'image/jpeg', 'image/webp'] }, width: { type: 'integer' }, height: { type: 'integer' }, sha256: { type: 'string' } } },
        ResolvedBrand: {
          type: 'object',
          description: "The brand with every part decided: the organization's where set, the platform's otherwise",
          properties: {
            key: { type: 'string' },
            name: { type: 'string' },
            productName: { type: 'string' },
            senderName: { type: 'string' },
            authenticatorName: { type: 'string' },
            primaryColor: { type: 'string' },
            primaryColorDark: { type: 'string', description: 'Hover and pressed states' },
            logo: { oneOf: [ref('Logo'), { type: 'null' }] },
            organization: { type: ['object', 'null'], properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, support: { type: 'object' } } },
          },
        },
        BrandView: {
          type: 'object',
          properties: {
            organization: { type: 'object', properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' } } },
            brand: { type: 'object', description: 'What the organization set (the fields of BrandInput that have a value)' },
            support: { type: 'object', description: 'The support contact (set with PATCH /organizations/{id})', properties: { text: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' }, url: { type: 'string' } } },
            logo: { oneOf: [{ allOf: [ref('Logo'), { type: 'object', properties: { bytes: { type: 'integer' }, updatedAt: { type: 'string', format: 'date-time' } } }] }, { type: 'null' }] },
            effective: ref('ResolvedBrand'),
          },
        },
        OidcClient: { type: 'object', properties: { name: { type: 'string' }, redirectUris: { type: 'array', items: { type: 'string' } }, postLogoutRedirectUris: { type: 'array', items: { type: 'string' } }, firstParty: { type: 'boolean', description: 'No consent screen' }, organizations: { type: 'array', items: { type: 'string' }, description: 'Only these organizations\' users may sign in; empty: everyone' }, backchannelLogoutUri: { type: ['string', 'null'], description: 'OpenID Connect Back-Channel Logout: where a logout token is POSTed when a user\'s session ends (https; http only for localhost outside production); null or "": none' }, backchannelLogoutSessionRequired: { type: 'boolean', description: 'The logout token (and the ID tokens) carry the session id, sid' } } },
        ProvisioningHealth: {
          type: 'object',
          properties: {
            directory: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { enum: ['local', 'sso'] } } },
            lastRequestAt: { type: ['string', 'null'], format: 'date-time', description: 'The IdP\'s last SCIM request (any answer); null: none yet' },
            window: { type: 'object', description: 'The counts cover whole hours, from the start of the hour 24 hours ago', properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } } },
            requests: {
              type: 'object',
              properties: {
                total: { type: 'integer' },
                failed: { type: 'integer', description: '4xx and 5xx answers' },
                byKind: { type: 'array', items: { type: 'object', properties: { kind: { enum: ['2xx', '3xx', '4xx', '5xx'] }, status: { type: ['integer', 'null'], description: 'null for 2xx and 3xx (added up)' }, scimType: { type: ['string', 'null'] }, count: { type: 'integer' } } } },
              },
            },
            recentErrors: { type: 'array', description: 'The last 20 errors, newest first, as the IdP received them', items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, method: { type: 'string' }, path: { type: 'string', description: 'The query\'s parameter names only, never their values' }, status: { type: 'integer' }, scimType: { type: ['string', 'null'] }, detail: { type: ['string', 'null'] } } } },
            expectedCycleMinutes: { type: 'integer', description: 'Configuration scim.expectedCycleMinutes' },
            warning: { type: ['object', 'null'], properties: { code: { const: 'scim.no_recent_requests' }, quietMinutes: { type: 'integer' }, message: { type: 'string' } } },
          },
        },
        Event: {
          type: 'object',
          description: 'What changed, as a portal needs it: never a password, hash, token or secret',
          properties: {
            id: { type: 'string', description: 'Unique; the webhook-id of its deliveries' },
            position: { type: 'integer', description: 'Commit order' },
            type: {
              enum: ['user.created', 'user.updated', 'user.activated', 'user.deactivated', 'user.reactivated', 'user.locked', 'user.unlocked', 'user.deleted', 'membership.added', 'membership.role_changed', 'membership.removed', 'group.created', 'group.renamed', 'group.updated', 'group.deleted', 'group.members_added', 'group.members_removed'],
            },
            occurredAt: { type: 'string', format: 'date-time' },
            organizationIds: { type: 'array', items: { type: 'string' }, description: 'The organizations the event concerns' },
            userId: { type: ['string', 'null'] },
            groupId: { type: ['string', 'null'] },
            directoryId: { type: ['string', 'null'] },
            actor: { type: 'object', properties: { kind: { enum: ['scim_token', 'administrator', 'user', 'system'] }, id: { type: ['string', 'null'] } } },
            data: {
              type: 'object',
              description:
                'user.*: the user after the change (id, userName, externalId, name, displayName, emails, phoneNumbers, title, status, active, memberships [{organization {id, slug}, role}], …), with changed (user.updated: the attributes that changed) and previousStatus (changes of status). membership.*: user {id}, organization {id, slug}, role (null when removed), previousRole, source ("direct" or {group {id, displayName}}). group.*: id, directoryId, displayName, externalId, version, memberIds (members added or removed, at most 1000 per event), previousDisplayName (renamed)',
            },
          },
        },
        EventPage: { type: 'object', properties: { events: { type: 'array', items: ref('Event') }, next_cursor: { type: ['string', 'null'], description: 'Pass as after for the next page (also when this one is empty)' }, has_more: { type: 'boolean', description: 'Events were committed past this page: read on now (a page looks through at most events.feedScanPositions positions, so a narrow filter can answer fewer events, or none, with has_more true); false: caught up' } } },
        ServiceToken: {
          type: 'object',
          description: 'A service token; `token` is present only in the answer that creates it',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            organization: { type: ['object', 'null'], properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' } }, description: 'null: platform level' },
            role: { type: ['string', 'null'], description: 'The role it holds in its organization' },
            hint: { type: 'string' },
            createdBy: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
            expiresAt: { type: ['string', 'null'], format: 'date-time' },
            lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
            revokedAt: { type: ['string', 'null'], format: 'date-time' },
            state: { enum: ['active', 'expired', 'revoked'] },
            token: { type: 'string' },
          },
        },
        WebhookInput: {
          type: 'object',
          additionalProperties: false,
          properties: {
            client: { type: 'string', description: 'The portal application (client_id) whose webhook it is (creation only; platform administrators)' },
            organization: { type: 'string', description: 'Or the organization (slug or id) whose webhook it is (creation only)' },
            url: { type: 'string', format: 'uri', description: 'https:// (http:// only for localhost outside production); no user name or password' },
            description: { type: 'string', maxLength: 200 },
            eventTypes: { oneOf: [{ const: 'all' }, { type: 'array', minItems: 1, items: { type: 'string' } }], description: '"all" (default), or event types such as user.deactivated' },
            organizations: { type: ['array', 'null'], items: { type: 'string' }, description: "A portal application's webhook: only these organizations' events (slugs or ids); absent or null: every organization" },
            enabled: { type: 'boolean' },
          },
        },
        Webhook: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            owner: { type: 'object', description: '{type: "client", clientId, name} or {type: "organization", id, slug, name}' },
            description: { type: 'string' },
            url: { type: 'string' },
            eventTypes: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }] },
            organizations: { type: ['array', 'null'], items: { type: 'object', properties: { id: { type: 'string' }, slug: { type: 'string' } } } },
            enabled: { type: 'boolean' },
            state: { enum: ['active', 'paused', 'disabled'], description: 'paused: its circuit opened after consecutive failures (deliveries wait until pausedUntil, then one is tried)' },
            consecutiveFailures: { type: 'integer' },
            pausedUntil: { type: ['string', 'null'], format: 'date-time' },
            failingSince: { type: ['string', 'null'], format: 'date-time', description: 'A delivery was given up (its administrators were emailed); cleared when one succeeds again' },
            lastAttempt: {
              type: ['object', 'null'],
              description: 'The last attempt of any of its deliveries: when, the status code the receiver answered (null: no answer), the error',
              properties: { at: { type: 'string', format: 'date-time' }, statusCode: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] } },
            },
            secretHint: { type: 'string' },
            previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time', description: 'During a rotation: until when the previous secret also signs' },
            createdBy: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            secret: { type: 'string', description: 'Only in the answers of creation and rotation' },
          },
        },
        WebhookDelivery: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            event: { type: 'object', properties: { id: { type: 'string', description: 'Also the webhook-id header' }, type: { type: 'string' }, position: { type: 'integer' } } },
            status: { enum: ['pending', 'sending', 'delivered', 'failed'] },
            attempts: { type: 'integer' },
            nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
            lastAttemptAt: { type: ['string', 'null'], format: 'date-time' },
            lastStatusCode: { type: ['integer', 'null'] },
            lastDurationMs: { type: ['integer', 'null'] },
            lastError: { type: ['string', 'null'] },
            responseExcerpt: { type: ['string', 'null'], maxLength: 200 },
            deliveredAt: { type: ['string', 'null'], format: 'date-time' },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        SamlSettings: { type: 'object', properties: { metadata: { type: 'string', description: "The IdP's metadata XML" }, entityId: { type: 'string' }, ssoUrl: { type: 'string' }, sloUrl: { type: 'string' }, certificates: { type: 'array', items: { type: 'string' } }, nameIdFormat: { type: 'string' }, matchAttribute: { enum: ['userName', 'email', 'externalId'] }, allowIdpInitiated: { type: 'boolean' }, jit: { type: 'boolean' }, domains: { type: 'array', items: { type: 'string' } } } },
      },
    },
  };
}
