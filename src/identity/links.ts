import type { Settings } from '../config/schema.js';

/** Links that emails and the CLI hand out. Built from PUBLIC_URL, never from a request's Host header. */
export function activationLink(settings: Settings, token: string): string {
  return `${settings.server.publicUrl}/activate?token=${encodeURIComponent(token)}`;
}

export function passwordResetLink(settings: Settings, token: string): string {
  return `${settings.server.publicUrl}/password/reset?token=${encodeURIComponent(token)}`;
}

export function signInLink(settings: Settings): string {
  return `${settings.server.publicUrl}/sign-in`;
}

export function forgotPasswordLink(settings: Settings): string {
  return `${settings.server.publicUrl}/password/forgot`;
}

export function accountLink(settings: Settings): string {
  return `${settings.server.publicUrl}/account`;
}
