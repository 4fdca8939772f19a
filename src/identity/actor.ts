/** Who performs a change: recorded on every audit event. */
export type ActorType = 'system' | 'operator' | 'admin' | 'user' | 'scim_token' | 'api_token' | 'service_token';

export interface Actor {
  type: ActorType;
  /** The user id, token id…; absent for the system and the operator CLI. */
  id?: string;
  /** A human label: an email, a token name, "cli (alice)". */
  label: string;
  ip?: string;
  requestId?: string;
}

export const systemActor: Actor = { type: 'system', label: 'idbridge' };
