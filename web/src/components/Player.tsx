/**
 * The player: one clip, or two side by side under one set of controls (compare). Play/pause, frame step,
 * loop and speed act on every clip at once, so the two stay in step. Sound starts off (browsers autoplay
 * only muted video) and, when turned on, comes from the first clip alone: two soundtracks at once say
 * nothing about either. Keys while the player has focus: Space or K play/pause, ← → one frame, L loop,
 * M sound.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useMediaUrl } from '../state/media.tsx';
import { Icon } from './Icon.tsx';

const SPEEDS = [0.25, 0.5, 1, 2] as const;

export function Player({ videos }: { videos: readonly Video[] }) {
  const { t } = useI18n();
  const elements = useRef<(HTMLVideoElement | null)[]>([]);
  const [playing, setPlaying] = useState(true);
  const [loop, setLoop] = useState(true);
  const [speed, setSpeed] = useState<number>(1);
  const [sound, setSound] = useState(false);
  const [frame, setFrame] = useState(0);
  const lead = videos[0];
  const frames = Math.max(...videos.map((v) => v.frames));
  const hasSound = lead.audio;

  const each = useCallback((fn: (el: HTMLVideoElement, video: Video) => void) => {
    elements.current.forEach((el, i) => el && videos[i] && fn(el, videos[i]));
  }, [videos]);

  // The frame counter follows the first clip, per displayed frame while playing.
  useEffect(() => {
    let raf = 0;
    const tick = () => {
      const el = elements.current[0];
      if (el) setFrame(Math.min(lead.frames - 1, Math.floor(el.currentTime * lead.fps + 1e-3)));
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [lead]);


  const play = (on: boolean) => {
    setPlaying(on);
    each((el) => void (on ? el.play().catch(() => setPlaying(false)) : el.pause()));
  };
  const step = (delta: number) => {
    play(false);
    const target = Math.min(frames - 1, Math.max(0, frame + delta));
    // Frame i shows from i/fps; aim a hair past its start.
    each((el, v) => (el.currentTime = Math.min(v.frames - 1, target) / v.fps + 0.001));
    setFrame(target);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'SELECT') return;
    if (e.key === ' ' || e.key === 'k') play(!playing);
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'ArrowRight') step(1);
    else if (e.key === 'l') setLoop((l) => !l);
    else if (e.key === 'm' && hasSound) setSound((s) => !s);
    else return;
    e.preventDefault();
  };

  return (
    <div className="player" tabIndex={0} onKeyDown={onKeyDown} role="group" aria-label={t('player.label')} aria-keyshortcuts="Space ArrowLeft ArrowRight L M">
      <div className={`player-stage count-${videos.length}`}>
        {videos.map((v, i) => (
          <Clip key={v.id} video={v} register={(el) => (elements.current[i] = el)} playing={playing} loop={loop} speed={speed} muted={!(sound && i === 0)} onEnded={() => !loop && setPlaying(false)} />
        ))}
      </div>
      <div className="player-controls">
        <button type="button" className="icon-button" onClick={() => play(!playing)} aria-label={playing ? t('player.pause') : t('player.play')}>
          <Icon name={playing ? 'pause' : 'play'} />
        </button>
        <button type="button" className="icon-button" onClick={() => step(-1)} aria-label={t('player.prevFrame')}>
          <Icon name="prev" />
        </button>
        <button type="button" className="icon-button" onClick={() => step(1)} aria-label={t('player.nextFrame')}>
          <Icon name="next" />
        </button>
        <span className="frame-counter">
          <span className="frame-long">{t('player.frame', { n: frame + 1, total: lead.frames })}</span>
          <span className="frame-short" aria-hidden="true">{`${frame + 1}/${lead.frames}`}</span>
        </span>
        <span className="spacer" />
        {hasSound ? (
          <button type="button" className="icon-button" aria-pressed={sound} onClick={() => setSound((s) => !s)} aria-label={t('player.sound')} title={t('player.sound')}>
            <Icon name={sound ? 'sound' : 'mute'} />
          </button>
        ) : null}
        <button type="button" className="icon-button" aria-pressed={loop} onClick={() => setLoop((l) => !l)} aria-label={t('player.loop')} title={t('player.loop')}>
          <Icon name="loop" />
        </button>
        <label className="speed">
          <span className="visually-hidden">{t('player.speed')}</span>
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label={t('player.speed')}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>{`${s}×`}</option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

interface ClipProps {
  readonly video: Video;
  readonly register: (el: HTMLVideoElement | null) => void;
  readonly playing: boolean;
  readonly loop: boolean;
  readonly speed: number;
  readonly muted: boolean;
  readonly onEnded: () => void;
}

function Clip({ video, register, playing, loop, speed, muted, onEnded }: ClipProps) {
  const { t } = useI18n();
  const { url, failed } = useMediaUrl(video.id, 'video');
  const [w, h] = video.size.split('x').map(Number);
  const element = useRef<HTMLVideoElement | null>(null);
  useEffect(() => {
    if (element.current) element.current.playbackRate = speed;
  }, [speed, url]);
  return (
    <figure className="clip" style={{ aspectRatio: w && h ? `${w} / ${h}` : undefined }}>
      {url ? (
        <video
          ref={(el) => {
            element.current = el;
            register(el);
          }}
          src={url}
          className="pixelated"
          muted={muted}
          playsInline
          autoPlay={playing}
          loop={loop}
          onEnded={onEnded}
          aria-label={t('player.videoLabel', { prompt: video.prompt ?? '' })}
        />
      ) : (
        <div className="clip-loading">{failed ? t('player.failed') : t('player.loading')}</div>
      )}
    </figure>
  );
}
