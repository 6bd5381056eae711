/**
 * Play: the server's world model (GET /v1/world) runs in this browser, one generated frame after another,
 * driven by the keyboard or the on-screen buttons. A play starts from a seed and a scene prompt (the game
 * renders the first frames) or from a dropped picture; typed events change the world while it runs.
 * The model runs in a worker (engine.ts, world.worker.ts); this component holds the controls.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { isCinesimError } from '../../../src/errors.ts';
import type { WorldSpec } from '../../../src/engine/world/stepper.ts';
import { encodeGameEvent, type GameEvent } from '../../../src/world/game-events.ts';
import { ApiError } from '../api/client.ts';
import { Icon } from '../components/Icon.tsx';
import { ImageDrop } from '../components/ImageDrop.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useServer } from '../state/server.tsx';
import { HeldActions, isTyping, KEY_ACTIONS } from './controls.ts';
import { PlayEngine, type Backend, type Readout } from './engine.ts';
import { EventBox } from './EventBox.tsx';
import type { ThreadChoice } from './protocol.ts';
import { imageStart, promptStart, type StartFrames } from './start.ts';
import { TouchPad } from './TouchPad.tsx';

type Phase =
  | { kind: 'loading' }
  | { kind: 'downloading' }
  | { kind: 'starting' }
  | { kind: 'ready' }
  | { kind: 'missing'; message: string }
  | { kind: 'failed'; message: string };

interface Model {
  readonly name: string;
  readonly spec: WorldSpec;
}

const DEFAULT_PROMPT = 'a red ball on green grass';
const DEFAULT_SEED = 7;

export default function PlayPage() {
  const { t } = useI18n();
  const { api } = useServer();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const engineRef = useRef<PlayEngine | null>(null);
  const heldRef = useRef(new HeldActions());
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [model, setModel] = useState<Model>();
  const [backend, setBackend] = useState<Backend>();
  const [readout, setReadout] = useState<Readout>();
  const [running, setRunning] = useState(false);
  const [paced, setPaced] = useState(true);
  const [held, setHeld] = useState('none');
  const [threads, setThreads] = useState<ThreadChoice>(0);
  const [preferGpu, setPreferGpu] = useState(true);
  // The start: what the last Start used (Restart and R replay it exactly).
  const [from, setFrom] = useState<'prompt' | 'image'>('prompt');
  const [prompt, setPrompt] = useState(DEFAULT_PROMPT);
  const [image, setImage] = useState<File>();
  const [seed, setSeed] = useState(DEFAULT_SEED);
  const [startError, setStartError] = useState<string>();
  const startRef = useRef<{ frames: StartFrames; seed: number } | null>(null);
  const pacedRef = useRef(paced);
  pacedRef.current = paced;
  const runningRef = useRef(running);
  runningRef.current = running;

  // Load the model into a fresh worker (again when the runtime settings change), then start the default play.
  useEffect(() => {
    const abort = new AbortController();
    let engine: PlayEngine | undefined;
    setPhase({ kind: 'loading' });
    setRunning(false);
    setReadout(undefined);
    setBackend(undefined);
    (async () => {
      const world = await api.world();
      const spec = world.manifest as unknown as WorldSpec;
      const file = world.files.denoiser ?? Object.values(world.files)[0];
      setModel({ name: world.id, spec });
      setPhase({ kind: 'downloading' });
      const bytes = await api.worldFile(file, abort.signal);
      if (abort.signal.aborted || !canvasRef.current) return;
      setPhase({ kind: 'starting' });
      engine = new PlayEngine(canvasRef.current, spec, {
        ready: (b) => {
          setBackend(b);
          setPhase({ kind: 'ready' });
          const start = startRef.current ?? { frames: promptStart(DEFAULT_PROMPT, DEFAULT_SEED, spec), seed: DEFAULT_SEED };
          startRef.current = start;
          engine!.reset(start.frames, start.seed);
          engine!.run(true, pacedRef.current);
          runningRef.current = true;
          setRunning(true);
        },
        readout: setReadout,
        error: (message) => {
          setRunning(false);
          setPhase({ kind: 'failed', message });
        },
      });
      engineRef.current = engine;
      engine.load(bytes, { threads, preferGpu });
    })().catch((error: unknown) => {
      if (abort.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      setPhase(error instanceof ApiError && error.status === 404 ? { kind: 'missing', message } : { kind: 'failed', message });
    });
    return () => {
      abort.abort();
      engine?.dispose();
      engineRef.current = null;
    };
  }, [api, threads, preferGpu]);

  const ready = phase.kind === 'ready';

  const setAction = useCallback((action: string, at: number) => {
    setHeld(action);
    engineRef.current?.setAction(action, at);
  }, []);

  const press = useCallback((source: string, action: string, at: number) => setAction(heldRef.current.press(source, action), at), [setAction]);
  const release = useCallback((source: string, at: number) => setAction(heldRef.current.release(source), at), [setAction]);

  const run = useCallback((on: boolean) => {
    engineRef.current?.run(on, pacedRef.current);
    runningRef.current = on;
    setRunning(on);
  }, []);

  /** Back to the start, playing on if it was playing (paused, it shows the start frame and waits). */
  const restart = useCallback(() => {
    const start = startRef.current;
    if (!start || !engineRef.current) return;
    engineRef.current.reset(start.frames, start.seed);
  }, []);

  // Keys anywhere on the page (not while typing): actions while held, P pause, R restart.
  useEffect(() => {
    if (!ready) return;
    const down = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      const action = KEY_ACTIONS[e.code];
      if (action) {
        e.preventDefault(); // arrows would scroll the page
        if (!e.repeat) press(e.code, action, e.timeStamp);
      } else if (e.code === 'KeyP' && !e.repeat) {
        run(!runningRef.current);
      } else if (e.code === 'KeyR' && !e.repeat) {
        restart();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (KEY_ACTIONS[e.code]) release(e.code, e.timeStamp);
    };
    // Keys released while the window had no focus never send keyup: let go of everything.
    const blur = () => setAction(heldRef.current.releaseAll(), performance.now());
    // A hidden tab pauses (the model would keep a core busy for frames nobody sees).
    const hidden = () => {
      if (document.hidden && runningRef.current) run(false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
      document.removeEventListener('visibilitychange', hidden);
    };
  }, [ready, press, release, restart, run, setAction]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!model || !engineRef.current) return;
    setStartError(undefined);
    let frames: StartFrames;
    try {
      if (from === 'image') {
        if (!image) throw new Error(t('play.needImage'));
        frames = await imageStart(image, model.spec.frame);
      } else {
        frames = promptStart(prompt, seed, model.spec);
      }
    } catch (error) {
      setStartError(isCinesimError(error) || error instanceof Error ? error.message : String(error));
      return;
    }
    startRef.current = { frames, seed };
    restart();
  };

  const fire = (event: GameEvent) => engineRef.current?.fireEvent(encodeGameEvent(event));

  const changeSpeed = (next: boolean) => {
    setPaced(next);
    pacedRef.current = next;
    if (running) engineRef.current?.run(true, next);
  };

  const fps = model?.spec.frame.fps;
  return (
    <div className="play-page">
      <section className="card play-stage" aria-labelledby="play-title">
        <div className="card-head">
          <h1 id="play-title">{t('play.title')}</h1>
          {model ? (
            <span className="badge">
              {t('play.model', {
                name: model.name,
                width: model.spec.frame.width,
                height: model.spec.frame.height,
                steps: model.spec.sampling.steps === 1 ? t('play.oneStep') : t('play.steps', { n: model.spec.sampling.steps }),
                context: model.spec.context,
              })}
            </span>
          ) : null}
        </div>
        <p className="muted small">{t('play.lead')}</p>
        <PhaseNotice phase={phase} />
        <div className="play-screen" data-state={running ? 'running' : 'paused'}>
          <canvas ref={canvasRef} id="play-canvas" className="pixelated" width={64} height={64} role="img" aria-label={t('play.screen')} aria-describedby="play-keys" />
        </div>
        <p id="play-keys" className="muted small">
          {t('play.screenHelp')}
        </p>
        <div className="play-toolbar">
          <button type="button" className="button" onClick={() => run(!running)} disabled={!ready} aria-keyshortcuts="P">
            <Icon name={running ? 'pause' : 'play'} />
            {running ? t('play.pause') : t('play.resume')}
          </button>
          <button type="button" className="button" onClick={() => engineRef.current?.step()} disabled={!ready || running}>
            <Icon name="next" />
            {t('play.stepOne')}
          </button>
          <button type="button" className="button" onClick={restart} disabled={!ready} aria-keyshortcuts="R">
            <Icon name="reset" />
            {t('play.restart')}
          </button>
          <label className="speed-select">
            <span className="visually-hidden">{t('play.speed')}</span>
            <select value={paced ? 'paced' : 'max'} onChange={(e) => changeSpeed(e.target.value === 'paced')} aria-label={t('play.speed')}>
              <option value="paced">{t('play.speedPaced', { fps: fps ?? '?' })}</option>
              <option value="max">{t('play.speedMax')}</option>
            </select>
          </label>
        </div>
        <TouchPad held={held} onPress={press} onRelease={release} />
        <Readouts readout={readout} backend={backend} />
        <EventBox disabled={!ready} onEvent={fire} />
      </section>

      <form className="card play-start" onSubmit={start} aria-labelledby="play-start-title">
        <h2 id="play-start-title">{t('play.start')}</h2>
        <fieldset className="mode-switch" aria-label={t('play.startFrom')}>
          {(['prompt', 'image'] as const).map((option) => (
            <label key={option} className={`mode-option${from === option ? ' selected' : ''}`}>
              <input type="radio" name="play-from" value={option} checked={from === option} onChange={() => setFrom(option)} />
              <span>{option === 'prompt' ? t('play.fromPrompt') : t('play.fromImage')}</span>
            </label>
          ))}
        </fieldset>
        {from === 'prompt' ? (
          <div className="field">
            <label htmlFor="play-prompt">{t('play.prompt')}</label>
            <input id="play-prompt" value={prompt} placeholder={t('play.promptPlaceholder')} onChange={(e) => setPrompt(e.target.value)} aria-describedby="play-prompt-help" autoComplete="off" />
            <p id="play-prompt-help" className="muted small">
              {t('play.promptHelp')}
            </p>
          </div>
        ) : (
          <ImageDrop label={t('play.image')} file={image} onChange={setImage} />
        )}
        <SeedField seed={seed} onChange={setSeed} />
        {startError ? (
          <p className="error-text small" role="alert">
            {startError}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={!ready}>
          <Icon name="play" />
          {t('play.startButton')}
        </button>
        <details className="play-engine">
          <summary>{t('play.engine')}</summary>
          <div className="field">
            <label htmlFor="play-threads">{t('play.threads')}</label>
            <select id="play-threads" value={threads} onChange={(e) => setThreads(Number(e.target.value) as ThreadChoice)}>
              <option value={0}>{t('play.threadsAuto')}</option>
              {[1, 2, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <label className="check">
            <input type="checkbox" checked={preferGpu} onChange={(e) => setPreferGpu(e.target.checked)} />
            {t('play.gpu')}
          </label>
          {backend && !backend.isolated ? <p className="muted small">{t('play.notIsolated')}</p> : null}
          {backend?.gpuProblem !== undefined ? (
            <p className="muted small" id="play-gpu-problem">
              {t('play.gpuProblem', { message: backend.gpuProblem })}
            </p>
          ) : null}
        </details>
      </form>
    </div>
  );
}

function SeedField({ seed, onChange }: { seed: number; onChange: (seed: number) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('play.seed')}</label>
      <div className="input-group">
        <input id={id} type="number" min={0} step={1} value={seed} onChange={(e) => onChange(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        <button type="button" className="icon-button" title={t('play.newSeed')} aria-label={t('play.newSeed')} onClick={() => onChange(Math.floor(Math.random() * 2 ** 31))}>
          <Icon name="dice" />
        </button>
      </div>
    </div>
  );
}

function PhaseNotice({ phase }: { phase: Phase }) {
  const { t } = useI18n();
  switch (phase.kind) {
    case 'ready':
      return null;
    case 'loading':
      return <p className="play-notice" role="status">{t('play.loading')}</p>;
    case 'downloading':
      return <p className="play-notice" role="status">{t('play.downloading')}</p>;
    case 'starting':
      return <p className="play-notice" role="status">{t('play.starting')}</p>;
    case 'missing':
    case 'failed':
      return (
        <div className="play-notice play-problem" role="alert">
          <Icon name="alert" />
          <div>
            <strong>{phase.kind === 'missing' ? t('play.noModel') : t('play.failed')}</strong>
            <p className="small">{phase.message}</p>
          </div>
        </div>
      );
  }
}

function Readouts({ readout, backend }: { readout?: Readout; backend?: Backend }) {
  const { t } = useI18n();
  const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : v.toFixed(digits));
  const latency =
    readout && readout.latencyMean !== null ? t('play.latencyValue', { mean: num(readout.latencyMean), p95: num(readout.latencyP95) }) : '–';
  return (
    <dl className="play-readouts" aria-label={t('play.readouts')}>
      <div>
        <dt>{t('play.fps')}</dt>
        <dd id="play-fps">{num(readout?.fps, 1)}</dd>
      </div>
      <div>
        <dt>{t('play.latency')}</dt>
        <dd id="play-latency">{latency}</dd>
      </div>
      <div>
        <dt>{t('play.stepTime')}</dt>
        <dd id="play-step">{readout?.stepMs == null ? '–' : t('play.ms', { n: num(readout.stepMs) })}</dd>
      </div>
      <div>
        <dt>{t('play.frames')}</dt>
        <dd id="play-frames">{readout?.frames ?? 0}</dd>
      </div>
      <div>
        <dt>{t('play.runtime')}</dt>
        <dd id="play-runtime">{backend ? (backend.name === 'webgpu' ? t('play.webgpu') : backend.threads === 1 ? t('play.wasmOne') : t('play.wasm', { n: backend.threads })) : '–'}</dd>
      </div>
    </dl>
  );
}
