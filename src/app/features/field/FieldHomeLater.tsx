/**
 * What the field home shows a moment after it opens, in one lazy module
 * (PERFORMANCE.md G1): a team lead's links to reviewing and their team, the
 * storage warnings, the sessions returned for changes, and (until there is
 * one) the request to set a PIN for the idle lock.
 */
import type { syncStatus } from '../../session.ts';
import { session } from '../../session.ts';
import { useLater } from '../../use-later.ts';
import { ReturnedBox } from './ReturnedBox.tsx';
import { StorageWarnings } from './StorageWarnings.tsx';
import { PinSetup } from '../../lock/PinSetup.tsx';

export function FieldHomeLater({ status }: { status: typeof syncStatus.value }) {
  // The links (and the pages' strings they need) load only for a team lead.
  const Nav = useLater(() =>
    session.value?.user.role === 'team_lead'
      ? import('../../components/StaffNav.tsx').then((m) => m.StaffNav)
      : Promise.resolve(() => null),
  );
  // The hamlet's progress needs the API client: it comes a moment later still.
  const Progress = useLater(() => import('./HamletProgress.tsx').then((m) => m.HamletProgress));
  return (
    <>
      {Nav && <Nav />}
      <StorageWarnings />
      <ReturnedBox status={status} />
      {Progress && <Progress status={status} />}
      <PinSetup />
    </>
  );
}
