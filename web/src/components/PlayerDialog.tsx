/**
 * A video opened from the gallery, in a modal dialog (Esc closes it, focus stays inside): the player,
 * the settings it was made with, and what can be done with it — download (MP4, GIF, WebP, frames,
 * spritesheet), copy its settings, use them, remix with a new prompt, extend, delete.
 */
import { useEffect, useRef, useState } from 'react';
import type { Variant, Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { copyText, saveBlob } from '../lib/files.ts';
import { formatTime, randomSeed, shortId, sizeLabel } from '../lib/format.ts';
import { navigate, routeHref } from '../lib/route.ts';
import { draftFromVideo, redoShotRequest, settingsJson } from '../state/draft.ts';
import { useJobs } from '../state/jobs.tsx';
import { useMedia } from '../state/media.tsx';
import { usePrefs } from '../state/prefs.tsx';
import { useServer } from '../state/server.tsx';
import { useToast } from '../state/toasts.tsx';
import { explainFailure } from './JobCard.tsx';
import { Icon } from './Icon.tsx';
import { Player } from './Player.tsx';
import { RemixForm } from './RemixForm.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const DOWNLOADS: readonly { variant: Variant; ext: string }[] = [
  { variant: 'video', ext: 'mp4' },
  { variant: 'gif', ext: 'gif' },
  { variant: 'webp', ext: 'webp' },
  { variant: 'frames', ext: 'zip' },
  { variant: 'spritesheet', ext: 'png' },
  { variant: 'metadata', ext: 'json' },
];

export function PlayerDialog({ videoId, onClose }: { videoId: string; onClose: () => void }) {
  const { t } = useI18n();
  const jobs = useJobs();
  const dialog = useRef<HTMLDialogElement>(null);
  const video = jobs.find(videoId);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
  }, []);
  // A link to a video older than the loaded pages: fetch it (it joins the list). Once per id, after the list loaded.
  const { loaded, fetchOne } = jobs;
  const known = video !== undefined;
  useEffect(() => {
    if (!known && loaded) void fetchOne(videoId).then((v) => setMissing(!v));
  }, [videoId, loaded]); // deliberately not on every change of the list

  return (
    <dialog ref={dialog} className="player-dialog" aria-labelledby="player-title" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="player-title" className="dialog-title">
          {video?.prompt ?? (missing ? t('player.missing') : t('player.loading'))}
        </h2>
        <button type="button" className="icon-button" onClick={() => dialog.current?.close()} aria-label={t('action.close')}>
          <Icon name="close" />
        </button>
      </div>
      {video ? <VideoDetails video={video} close={() => dialog.current?.close()} /> : null}
    </dialog>
  );
}

function VideoDetails({ video, close }: { video: Video; close: () => void }) {
  const { t, locale, credits } = useI18n();
  const jobs = useJobs();
  const media = useMedia();
  const { api } = useServer();
  const { update: updatePrefs, draft } = usePrefs();
  const notify = useToast();
  const [remixing, setRemixing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState<Variant>();

  const download = async (variant: Variant, ext: string) => {
    setBusy(variant);
    try {
      saveBlob(await api.content(video.id, variant), `cinesim-${shortId(video.id)}${variant === 'video' ? '' : `-${variant}`}.${ext}`);
    } catch (error) {
      notify((error as Error).message, 'error');
    } finally {
      setBusy(undefined);
    }
  };
  const copySettings = () =>
    copyText(settingsJson(video)).then(
      () => notify(t('toast.copied'), 'success'),
      () => notify(t('toast.copyFailed'), 'error'),
    );
  const applySettings = (extend: boolean) => {
    const next = draftFromVideo(video, !extend);
    updatePrefs({ draft: extend ? { ...draft, ...next, mode: 'extend', extendId: video.id, seed: draft.seed, seedLocked: draft.seedLocked } : { ...next, list: draft.list } });
    close();
    navigate({ page: 'create' });
  };
  const remove = async () => {
    try {
      await jobs.remove(video.id);
      media.forget(video.id);
      notify(t('toast.deleted'), 'info');
      close();
    } catch (error) {
      notify((error as Error).message, 'error');
    }
  };

  // A story film with one shot drawn anew: a remake that keeps the others (and charges only what is made); the server
  // takes the pictures its shots open on from the film.
  const redoShot = async (index: number) => {
    try {
      await jobs.createStory(redoShotRequest(video, index, randomSeed()));
      notify(t('toast.queued'), 'success');
    } catch (error) {
      notify((error as Error).message, 'error');
    }
  };

  const completed = video.status === 'completed';
  return (
    <div className="dialog-body">
      <div className="dialog-main">
        {completed ? (
          <Player videos={[video]} />
        ) : (
          <div className="not-ready">
            <StatusBadge video={video} />
            {video.status === 'failed' ? <p className="error-text">{explainFailure(video, t)}</p> : null}
          </div>
        )}
      </div>
      <aside className="dialog-side">
        {remixing ? (
          <RemixForm
            video={video}
            onDone={() => {
              notify(t('toast.remixQueued'), 'success');
              close();
              navigate({ page: 'create' });
            }}
            onCancel={() => setRemixing(false)}
          />
        ) : (
          <>
            <div className="action-grid">
              {/* A story's film is made again from its script (Use settings), not remixed with one prompt. */}
              {video.story ? null : (
                <button type="button" className="button primary" onClick={() => setRemixing(true)}>
                  <Icon name="remix" size={16} />
                  {t('action.remix')}
                </button>
              )}
              <button type="button" className="button" onClick={() => applySettings(false)}>
                <Icon name="sparkle" size={16} />
                {t('action.useSettings')}
              </button>
              <button type="button" className="button" onClick={copySettings}>
                <Icon name="copy" size={16} />
                {t('action.copySettings')}
              </button>
              {completed ? (
                <button type="button" className="button" onClick={() => applySettings(true)}>
                  <Icon name="extend" size={16} />
                  {t('action.extend')}
                </button>
              ) : null}
            </div>
            {completed ? (
              <div className="downloads" role="group" aria-label={t('download.title')}>
                <h3>{t('download.title')}</h3>
                <div className="download-list">
                  {DOWNLOADS.map(({ variant, ext }) => (
                    <button key={variant} type="button" className="chip" onClick={() => void download(variant, ext)} disabled={busy !== undefined} aria-busy={busy === variant}>
                      <Icon name="download" size={14} />
                      {t(`download.${variant}`)}
                    </button>
                  ))}
                </div>
              </div>
            ) : null}
          </>
        )}
        <dl className="details">
          <dt>{t('detail.status')}</dt>
          <dd>
            <StatusBadge video={video} />
          </dd>
          <dt>{t('detail.mode')}</dt>
          <dd>{t(`mode.${video.mode}`)}</dd>
          {video.story ? (
            <>
              <dt>{t('player.shots')}</dt>
              <dd>
                <ol className="shot-list">
                  {video.story.shots.map((s) => (
                    <li key={s.index}>
                      <span className="shot-text">
                        {`${s.seconds} s${s.transition === 'continue' ? ' ↪' : ''} · ${s.text}`}
                        {s.image !== undefined ? <span className="muted small">{` · ${t('player.shotImage', { path: s.image })}`}</span> : null}
                        {s.reused ? <span className="muted small">{` · ${t('player.shotReused')}`}</span> : null}
                      </span>
                      {completed ? (
                        <button type="button" className="button ghost small shot-redo" onClick={() => void redoShot(s.index)} aria-label={t('player.redoShotLabel', { n: s.index })}>
                          {t('player.redoShot')}
                        </button>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </dd>
            </>
          ) : null}
          <dt>{t('detail.model')}</dt>
          <dd>{video.model}</dd>
          <dt>{t('detail.length')}</dt>
          <dd>{t('detail.lengthValue', { s: video.seconds, frames: video.frames, fps: video.fps })}</dd>
          <dt>{t('settings.size')}</dt>
          <dd>{sizeLabel(video.size)}</dd>
          <dt>{t('settings.seed')}</dt>
          <dd>{video.seed}</dd>
          <dt>{t('settings.steps')}</dt>
          <dd>{`${video.steps} · ${video.sampler}`}</dd>
          <dt>{t('settings.guidance')}</dt>
          <dd>{video.guidance}</dd>
          {video.negative_prompt ? (
            <>
              <dt>{t('create.negativeLabel')}</dt>
              <dd>{video.negative_prompt}</dd>
            </>
          ) : null}
          <dt>{t('detail.cost')}</dt>
          <dd>{credits(video.cost)}</dd>
          <dt>{t('detail.created')}</dt>
          <dd>{formatTime(video.created_at, locale)}</dd>
          {video.remixed_from_video_id ? (
            <>
              <dt>{t('detail.remixOf')}</dt>
              <dd>
                <a href={routeHref({ page: 'gallery', videoId: video.remixed_from_video_id })}>{shortId(video.remixed_from_video_id)}</a>
              </dd>
            </>
          ) : null}
          <dt>{t('detail.id')}</dt>
          <dd className="mono">{video.id}</dd>
        </dl>
        <div className="danger-zone">
          {confirmDelete ? (
            <>
              <span>{t('delete.confirm')}</span>
              <button type="button" className="button danger" onClick={() => void remove()}>
                {t('delete.yes')}
              </button>
              <button type="button" className="button ghost" onClick={() => setConfirmDelete(false)}>
                {t('action.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="button ghost danger-text" onClick={() => setConfirmDelete(true)}>
              <Icon name="trash" size={16} />
              {t('action.delete')}
            </button>
          )}
        </div>
      </aside>
    </div>
  );
}
