/** The one-time dashboard login link as `colossus server` and `colossus twin` print it (docs/operate.md, Trust). */
import { ColossusError } from '../core/errors.js';

/** What the printed login link opens, and the command for another (the same words for `colossus server` and the twin). */
export function loginNote(role: 'viewer' | 'operator', server: string, tokenFile: string | null): string {
  const cmd = `colossus login-link --role operator --server ${server}${tokenFile ? ` --token-file ${tokenFile}` : ' --token "$COLOSSUS_ADMIN_TOKEN"'}`;
  return `${role} session; works once, for 10 minutes.\n             ${role === 'viewer' ? 'To cordon nodes or steer' : 'Another operator link'}: ${cmd}`;
}

/** --login-role viewer|operator. */
export function loginRoleFlag(text: string): 'viewer' | 'operator' {
  if (text !== 'viewer' && text !== 'operator') throw new ColossusError('usage', `--login-role must be viewer or operator, got '${text}'`, { where: '--login-role', hint: 'viewer reads; operator may also cordon nodes and steer the twin' });
  return text;
}
