import type Provider from 'oidc-provider';
import { OIDC_PREFIX } from './provider.js';

const INTERACTION_PATH = new RegExp(`^${OIDC_PREFIX}/interaction/([A-Za-z0-9_-]{1,64})(?:[/?]|$)`);

/**
 * The portal application a return address goes back to: for `/oidc/interaction/<uid>` (where an OIDC sign-in sends
 * the browser to /sign-in?return_to=…), the client of that pending interaction as oidc-provider stored it; null for
 * any other address, an unknown or expired interaction. The hosted pages brand the whole sign-in with it.
 */
export function interactionClient(provider: Provider): (returnTo: string) => Promise<string | null> {
  return async (returnTo) => {
    const uid = INTERACTION_PATH.exec(returnTo)?.[1];
    if (!uid) return null;
    const interaction = await provider.Interaction.find(uid);
    const clientId = interaction?.params?.client_id;
    return typeof clientId === 'string' ? clientId : null;
  };
}
