/** A log's state on this phone and its review status, in words (not colour alone). */
import { useTranslation } from '../use-translation.ts';

export function SyncBadge({
  state,
}: {
  state: 'pending' | 'synced' | 'conflict' | 'rejected' | 'amendment';
}) {
  const { t } = useTranslation();
  return <span class={`badge sync-${state}`}>{t(`state.${state}`)}</span>;
}

export function ReviewBadge({
  status,
}: {
  status: 'submitted' | 'changes_requested' | 'approved' | null;
}) {
  const { t } = useTranslation();
  return <span class={`badge status-${status ?? 'none'}`}>{t(`status.${status ?? 'none'}`)}</span>;
}
