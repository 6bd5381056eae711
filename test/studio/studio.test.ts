/**
 * The studio in a real browser (Debian's Chromium, headless) against a real server on the tiny model:
 * make a video and watch it render (live preview), play and download it, reject an unknown word, cancel,
 * remix, image from a dropped file, compare, extend, Chinese, a phone screen, the history after a server
 * restart, and a server that wants an API key. Screenshots go to test-artifacts/studio/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import type { Video } from '../../src/server/schemas/videos.ts';
import { ensureStudioBuilt } from '../../src/server/studio/build.ts';
import { tempDir } from '../server/helpers.ts';
import { closeStudioPage, dropImage, HAS_CHROMIUM, launchBrowser, openStudioPage, screenshot, startStudioServer, waitUntil, watchErrors, type Browser, type StudioServer } from './helpers.ts';

const PROMPT = 'a small red ball bounces on green grass';
const REMIX_PROMPT = 'a small blue ball bounces on green grass';
const CANCEL_PROMPT = 'a large purple square moves left on a white background';
const IMAGE_PROMPT = 'a yellow star spins at night';
/** Slow steps, so a running job can be watched and cancelled. */
const DEBUG = { stepDelayMs: 150 };

// In-page scripts (strings: this project type-checks without the DOM library).
/** The player's clip has loaded and has frames to show. */
const VIDEO_PLAYS = `(() => {
  const v = document.querySelector('dialog.player-dialog video');
  return v !== null && v.readyState >= 2 && v.duration > 0 && v.videoWidth > 0;
})()`;

if (!HAS_CHROMIUM) console.warn('studio browser tests skipped: /usr/bin/chromium is missing (./setup.sh --dev installs it)');

describe.skipIf(!HAS_CHROMIUM)('the studio in a browser', { timeout: 60_000 }, () => {
  let dataDir: string;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    dataDir = await tempDir('cinesim-studio-');
    ({ server, browser, page, errors } = await openStudioPage(dataDir, { server: { debug: DEBUG } }));
  }, 120_000);

  afterAll(() => closeStudioPage({ browser, server }));

  const api = async <T,>(path: string): Promise<T> => (await fetch(server.url + path)).json() as Promise<T>;
  const videos = async () => (await api<{ data: Video[] }>('/v1/videos?limit=100')).data;
  const card = (text: string) => page.locator('li.job-card', { hasText: text }).first();
  const generate = () => page.locator('form.create-form button[type=submit]');
  const modeOption = (name: string) => page.locator('label.mode-option', { hasText: new RegExp(`^${name}$`) });

  /** Types a prompt and waits for the server's verdict on it (the editor drops the old one as the text changes). */
  async function typePrompt(text: string): Promise<void> {
    await page.fill('#prompt', text);
    await page.locator('#prompt-issues .token-count').waitFor();
  }

  it('makes a video: live preview while it renders, then it plays', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('#prompt').waitFor();
    await typePrompt(PROMPT);
    await page.locator('.meaning', { hasText: 'Reads as:' }).waitFor();
    await page.fill('#set-steps', '12');
    await generate().click();

    const job = card(PROMPT);
    await job.locator('.thumb-preview img[src^="data:image/webp;base64,"]').waitFor({ timeout: 20_000 });
    expect(await job.getByRole('progressbar').getAttribute('aria-valuenow')).toMatch(/^\d+$/);
    await screenshot(page, '01-create-live-preview');

    await job.locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    await screenshot(page, '02-create-done');

    await job.getByRole('link', { name: 'Open' }).click();
    const dialog = page.locator('dialog.player-dialog');
    await dialog.waitFor();
    await waitUntil(page, VIDEO_PLAYS);
    await dialog.getByRole('button', { name: 'Next frame' }).click();
    expect(await dialog.locator('.frame-long').textContent()).toMatch(/^Frame \d+ \/ 17$/);
    // The clip has a soundtrack: silent at first (browsers autoplay only muted video), heard on request.
    const muted = () => page.evaluate<boolean>(`document.querySelector('dialog.player-dialog video').muted`);
    const sound = dialog.getByRole('button', { name: 'Sound' });
    expect([await muted(), await sound.getAttribute('aria-pressed')]).toEqual([true, 'false']);
    await sound.click();
    expect([await muted(), await sound.getAttribute('aria-pressed')]).toEqual([false, 'true']);
    await screenshot(page, '03-player');

    const [done] = (await videos()).filter((v) => v.prompt === PROMPT);
    expect(done).toMatchObject({ status: 'completed', steps: 12, mode: 'text-to-video' });

    // Downloads come as files named after the video (the GIF is made by the server on this first request).
    for (const [name, extension] of [['GIF', 'gif'], ['MP4', 'mp4']]) {
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name }).click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^cinesim-[0-9a-f]{8}(-gif)?\\.${extension}$`));
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('underlines an unknown word, offers the model’s words, and will not submit until it is fixed', async () => {
    await page.goto(`${server.url}/#/create`);
    await typePrompt('a small red ball bounse on green grass');
    const mark = page.locator('.prompt-backdrop mark.unknown');
    await mark.waitFor();
    expect(await mark.textContent()).toBe('bounse');
    const suggestion = page.getByRole('button', { name: 'Replace “bounse” with “bounce”' });
    await suggestion.waitFor();
    expect(await page.locator('#prompt').getAttribute('aria-invalid')).toBe('true');
    expect(await generate().isDisabled()).toBe(true);
    await screenshot(page, '04-unknown-word');

    await suggestion.click();
    expect(await page.inputValue('#prompt')).toBe('a small red ball bounce on green grass');
    await page.locator('.meaning', { hasText: 'Reads as:' }).waitFor();
    expect(await mark.count()).toBe(0);
    expect(await generate().isDisabled()).toBe(false);
  });

  it('cancels a running video', async () => {
    await typePrompt(CANCEL_PROMPT);
    await page.fill('#set-steps', '80');
    await generate().click();
    const job = card(CANCEL_PROMPT);
    await job.locator('.status-badge', { hasText: 'Rendering' }).waitFor({ timeout: 20_000 });
    await screenshot(page, '05-cancel-running');
    await job.getByRole('button', { name: `Cancel “${CANCEL_PROMPT}”` }).click();
    await job.locator('.status-badge', { hasText: 'Cancelled' }).waitFor();
    const cancelled = (await videos()).find((v) => v.prompt === CANCEL_PROMPT);
    expect(cancelled?.status).toBe('cancelled');
    await page.fill('#set-steps', '4');
  });

  it('remixes a video from the gallery: same seed and settings, new prompt', async () => {
    await page.goto(`${server.url}/#/gallery`);
    await page.locator('#gallery-search').fill('red ball');
    const item = page.locator('li.video-card', { hasText: PROMPT });
    await item.locator('img').waitFor();
    expect(await page.locator('li.video-card').count()).toBe(1);
    await screenshot(page, '06-gallery-search');
    await item.locator('a').click();

    const dialog = page.locator('dialog.player-dialog');
    await dialog.getByRole('button', { name: 'Remix' }).first().click();
    await dialog.locator('#remix-prompt').fill(REMIX_PROMPT);
    await dialog.locator('#remix-prompt-issues .token-count').waitFor();
    await screenshot(page, '07-remix-form');
    await dialog.locator('form.remix-form button[type=submit]').click();

    await card(REMIX_PROMPT).locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/create$/); // the studio took us to the queue
    const all = await videos();
    const source = all.find((v) => v.prompt === PROMPT)!;
    const remix = all.find((v) => v.prompt === REMIX_PROMPT)!;
    expect(remix).toMatchObject({ status: 'completed', remixed_from_video_id: source.id, seed: source.seed, steps: source.steps, size: source.size });
  });

  it('makes an image-to-video clip from a dropped image', async () => {
    await page.goto(`${server.url}/#/create`);
    await modeOption('Image').click();
    const zone = page.locator('.drop-zone');
    await zone.waitFor();
    await page.evaluate(dropImage('first.png'));
    await zone.locator('img').waitFor();
    await typePrompt(IMAGE_PROMPT);
    await screenshot(page, '08-image-mode');
    await page.locator('#prompt').press('Control+Enter'); // the shortcut for Generate
    await card(IMAGE_PROMPT).locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const made = (await videos()).find((v) => v.prompt === IMAGE_PROMPT);
    expect(made).toMatchObject({ mode: 'image-to-video', inputs: [{ role: 'first', source: 'upload' }] });
    await modeOption('Text').click();
  });

  it('makes variants: one Generate, a video per seed from the one given', async () => {
    const prompt = 'a large green square moves right at night';
    await page.goto(`${server.url}/#/create`);
    await typePrompt(prompt);
    await page.selectOption('#set-variants', '2');
    await page.fill('#set-seed', '500');
    await generate().click();
    await page.locator('.toast', { hasText: '2 videos queued' }).waitFor();
    await card(prompt).locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    await page.locator('li.job-card', { hasText: prompt }).nth(1).locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const made = (await videos()).filter((v) => v.prompt === prompt);
    expect(made.map((v) => v.seed).sort()).toEqual([500, 501]);
    await page.selectOption('#set-variants', '1');
  });

  it('makes a list: a line the model refuses is named by its line, then every line in its variants, in order', async () => {
    const prompts = ['a small yellow ball bounces on green grass', 'a large blue square moves left at night'];
    await page.goto(`${server.url}/#/create`);
    await modeOption('List').click();
    await page.locator('#prompt-list').waitFor();
    // checked line by line as it is typed: the server's message with the line, and no Generate
    await page.fill('#prompt-list', `# spring campaign\n${prompts[0]}\n\na large blue bal moves left at night`);
    await page.locator('.list-check .error-text', { hasText: /^line 4: unknown words in prompt: "bal"/ }).waitFor();
    expect(await page.locator('.list-check .error-text').count()).toBe(1);
    expect(await generate().isDisabled()).toBe(true);
    await page.locator('#create-blockers', { hasText: 'Fix the lines the model cannot read.' }).waitFor();
    await screenshot(page, '08e-list-bad-line');
    // more than a list holds (the same line: one check)
    await page.fill('#prompt-list', Array(101).fill(prompts[0]).join('\n'));
    await page.locator('#create-blockers', { hasText: 'This list has 101 prompts; a list holds at most 100.' }).waitFor();
    expect(await generate().isDisabled()).toBe(true);

    await page.fill('#prompt-list', `# spring campaign\n${prompts[0]}\n\n${prompts[1]}`);
    await page.selectOption('#set-variants', '2');
    await page.fill('#set-seed', '700');
    await page.locator('.list-check', { hasText: 'Prompts: 2 · videos: 4' }).waitFor();
    await page.locator('.list-check .error-text').waitFor({ state: 'detached' });
    expect(await page.locator('.create-form .cost-value').textContent()).toBe('8 credits'); // 2 lines × 2 variants × 2 s × 1 credit
    await expect.poll(() => generate().isDisabled()).toBe(false); // every line checked
    // the list is kept with the other settings (the studio saves them 200 ms after the last change: a reload sooner loses it)
    await waitUntil(page, `(localStorage.getItem('cinesim.studio.v1') ?? '').includes('"seed":700')`);
    await page.reload();
    expect(await page.inputValue('#prompt-list')).toBe(`# spring campaign\n${prompts[0]}\n\n${prompts[1]}`);
    await screenshot(page, '08f-list');
    await generate().click();
    await page.locator('.toast', { hasText: '4 videos queued' }).waitFor();

    const made = async () => (await videos()).filter((v) => prompts.includes(v.prompt ?? '')).reverse(); // oldest first
    await expect.poll(async () => (await made()).map((v) => v.status), { timeout: 30_000 }).toEqual(Array(4).fill('completed'));
    expect((await made()).map((v) => [v.prompt, v.seed, v.mode])).toEqual([
      [prompts[0], 700, 'text-to-video'],
      [prompts[0], 701, 'text-to-video'],
      [prompts[1], 700, 'text-to-video'],
      [prompts[1], 701, 'text-to-video'],
    ]);
    await page.selectOption('#set-variants', '1');
    await modeOption('Text').click();
  });

  it('makes a film from a story script: a bad line as the server names it, then the film with its shots', async () => {
    await page.goto(`${server.url}/#/create`);
    await modeOption('Story').click();
    await page.locator('#story-script').waitFor();
    expect(await page.locator('#set-seconds').count()).toBe(0); // the shots say their own lengths
    // checked as it is typed: the server's message for the line, and no Generate until it is fixed
    await page.fill('#story-script', 'shots:\n  - a small red ball bounse');
    await page.locator('.story-check .error-text', { hasText: 'script:2: unknown words in prompt: "bounse"' }).waitFor();
    expect(await generate().isDisabled()).toBe(true);

    await page.fill('#story-script', 'title: Ruby film\ncast:\n  Ruby: a small red ball\nshots:\n  - 2s: Ruby bounces on green grass\n  - 2s continue: Ruby moves left on green grass');
    await page.locator('.story-check', { hasText: '2 shots, 4 s of film.' }).waitFor();
    expect(await page.locator('.create-form .cost-value').textContent()).toMatch(/^4 credits?$/);
    await screenshot(page, '08b-story-mode');
    await generate().click();
    await card('Ruby film').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const film = (await videos()).find((v) => v.prompt === 'Ruby film')!;
    expect(film).toMatchObject({ mode: 'story', frames: 33, story: { title: 'Ruby film' } });
    expect(film.story!.shots.map((shot) => shot.prompt)).toEqual(['a small red ball bounces on green grass', 'a small red ball moves left on green grass']);

    await page.goto(`${server.url}/#/gallery/${film.id}`);
    const player = page.locator('dialog.player-dialog');
    await player.locator('.shot-list li').nth(1).waitFor();
    expect(await player.locator('.shot-list .shot-text').allTextContents()).toEqual(['2 s · Ruby bounces on green grass', '2 s ↪ · Ruby moves left on green grass']);
    expect(await player.getByRole('button', { name: 'Remix' }).count()).toBe(0);
    await screenshot(page, '08c-story-film');
    // Use settings: back in Create's story mode with the film's script (its seed, its shots as asked)
    await player.getByRole('button', { name: 'Use settings' }).click();
    await page.locator('label.mode-option.selected', { hasText: 'Story' }).waitFor();
    expect(await page.inputValue('#story-script')).toBe(
      `title: Ruby film\nseed: ${film.seed}\nshots:\n  - 2s seed ${film.story!.shots[0].seed}: a small red ball bounces on green grass\n` +
        `  - 2s continue seed ${film.story!.shots[1].seed}: a small red ball moves left on green grass`,
    );
    // ... as a remake of that film: an edited shot is made (and charged) again, the unchanged one is kept
    await page.locator('.story-remake', { hasText: 'A remake of “Ruby film”' }).waitFor();
    await page.fill('#story-script', (await page.inputValue('#story-script')).replace('moves left', 'moves right').replace('Ruby film', 'Ruby film II'));
    await page.locator('.story-check', { hasText: '2 shots, 4 s of film. 1 unchanged, taken from the earlier film (not charged).' }).waitFor();
    expect(await page.locator('.create-form .cost-value').textContent()).toMatch(/^2 credits?$/);
    await generate().click();
    await card('Ruby film II').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const remake = (await videos()).find((v) => v.prompt === 'Ruby film II')!;
    expect(remake.cost).toBe(2);
    await page.goto(`${server.url}/#/gallery/${remake.id}`);
    await player.locator('.shot-list li').nth(1).waitFor();
    expect(await player.locator('.shot-list .shot-text').allTextContents()).toEqual([
      '2 s · a small red ball bounces on green grass · kept from the earlier film',
      '2 s ↪ · a small red ball moves right on green grass',
    ]);
    await screenshot(page, '08d-story-remake');
    // Redo one shot from the player: a remake of this film with that shot's seed drawn anew; the other is kept
    await player.getByRole('button', { name: 'Make shot 2 again (a new seed; the other shots are kept)' }).click();
    await expect.poll(async () => (await videos()).filter((v) => v.prompt === 'Ruby film II').length).toBe(2);
    const redo = (await videos()).find((v) => v.prompt === 'Ruby film II' && v.id !== remake.id)!;
    expect(redo.story!.shots.map((s) => s.reused)).toEqual([true, false]);
    expect(redo.story!.shots.map((s) => s.seed === remake.story!.shots[s.index - 1].seed)).toEqual([true, false]);
    expect(redo.cost).toBe(2);
    await page.goto(`${server.url}/#/create`);
    await page.locator('.story-remake').waitFor(); // still the first film's remake, until turned off
    await page.getByRole('button', { name: 'Make every shot anew' }).click();
    await page.locator('.story-check', { hasText: /^2 shots, 4 s of film\.$/ }).waitFor();
    expect(await page.locator('.create-form .cost-value').textContent()).toMatch(/^4 credits?$/);
    await modeOption('Text').click();
  });

  it('makes a film whose shot opens on a picture: a slot per path the script names, sent with the script', async () => {
    const checks: number[] = [];
    const onResponse = (r: { url(): string; status(): number }) => void (r.url().endsWith('/v1/stories/check') && checks.push(r.status()));
    page.on('response', onResponse);
    await page.goto(`${server.url}/#/create`);
    await modeOption('Story').click();
    await page.fill('#story-script', 'title: Board film\nshots:\n  - 2s image board/04.png: a small red ball falls at night\n  - 2s: a small red ball bounces on green grass');
    const slot = page.getByRole('group', { name: 'board/04.png' });
    await slot.waitFor();
    expect(await page.locator('.story-picture-slots .drop-zone').count()).toBe(1);
    // no picture yet: Generate waits for it, and the script is not sent to be checked without it
    await page.locator('#create-blockers', { hasText: 'Add the picture for board/04.png.' }).waitFor();
    await page.locator('.story-check', { hasText: 'The script is checked once its pictures are added below.' }).waitFor();
    expect(await generate().isDisabled()).toBe(true);
    await screenshot(page, '08g-story-picture-missing');

    const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#102040' } }).png().toBuffer();
    await slot.locator('input[type=file]').setInputFiles({ name: 'storyboard-04.png', mimeType: 'image/png', buffer: picture });
    await slot.locator('img').waitFor();
    // the picture shot keeps its first frame, as the film opens on it: one frame more than 4 s
    await page.locator('.story-check', { hasText: '2 shots, 4.13 s of film.' }).waitFor();
    await expect.poll(() => generate().isDisabled()).toBe(false);
    expect(checks.filter((status) => status !== 200)).toEqual([]); // never the server's 400 about a missing upload
    await screenshot(page, '08h-story-picture');
    await generate().click();
    await card('Board film').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    page.off('response', onResponse);
    // a path the script no longer names drops its picture: named again, it is asked for again
    const script = await page.inputValue('#story-script');
    await page.fill('#story-script', script.replace(' image board/04.png', ''));
    await page.locator('.story-pictures').waitFor({ state: 'detached' });
    await page.fill('#story-script', script);
    await slot.waitFor();
    expect(await slot.locator('img').count()).toBe(0);
    const film = (await videos()).find((v) => v.prompt === 'Board film')!;
    expect(film.story!.shots.map((shot) => shot.image)).toEqual(['board/04.png', undefined]);
    expect(film.inputs).toContainEqual({ role: 'image:board/04.png', source: 'upload' });

    // Use settings gives the script back with its image line, as a remake: the server has the film's picture, so the
    // slot says it is taken from there and nothing waits for it
    await page.goto(`${server.url}/#/gallery/${film.id}`);
    const player = page.locator('dialog.player-dialog');
    await player.locator('.shot-list li').nth(1).waitFor();
    await player.getByRole('button', { name: 'Use settings' }).click();
    await page.locator('label.mode-option.selected', { hasText: 'Story' }).waitFor();
    const given = await page.inputValue('#story-script');
    expect(given).toContain(`  - 2s seed ${film.story!.shots[0].seed} image board/04.png: a small red ball falls at night`);
    await slot.locator('.drop-text', { hasText: 'From the earlier film.' }).waitFor();
    await page.locator('.story-check', { hasText: '2 shots, 4.13 s of film. 2 unchanged, taken from the earlier film (not charged).' }).waitFor();
    await expect.poll(() => generate().isDisabled()).toBe(false);
    await screenshot(page, '08i-story-picture-kept');
    // a picture dropped there replaces the film's: its shot is then made again
    await slot.locator('input[type=file]').setInputFiles({ name: 'storyboard-04b.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f0c020' } }).png().toBuffer() });
    await page.locator('.story-check', { hasText: '1 unchanged, taken from the earlier film' }).waitFor();
    await slot.getByRole('button', { name: 'Remove' }).click();
    // the picture shot's text edited: made again (and charged), on the film's picture, which the studio did not send
    await page.fill('#story-script', given.replace('falls at night', 'moves left at night').replace('Board film', 'Board film II'));
    await page.locator('.story-check', { hasText: '1 unchanged, taken from the earlier film' }).waitFor();
    await generate().click();
    await card('Board film II').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const remake = (await videos()).find((v) => v.prompt === 'Board film II')!;
    expect(remake.story!.shots.map((s) => s.reused)).toEqual([false, true]);
    expect(remake.inputs).toContainEqual({ role: 'image:board/04.png', source: `video:${film.id}` });

    // Redo in the player of a film whose shot opens on a picture: a remake, so the server takes the picture from it
    await page.goto(`${server.url}/#/gallery/${remake.id}`);
    await player.getByRole('button', { name: 'Make shot 1 again (a new seed; the other shots are kept)' }).click();
    await expect.poll(async () => (await videos()).filter((v) => v.prompt === 'Board film II').length).toBe(2);
    const redo = (await videos()).find((v) => v.prompt === 'Board film II' && v.id !== remake.id)!;
    expect(redo.story!.shots.map((s) => s.reused)).toEqual([false, true]);
    expect(redo.inputs).toContainEqual({ role: 'image:board/04.png', source: `video:${remake.id}` });
    // not a remake any more: the slot asks for its picture again
    await page.goto(`${server.url}/#/create`);
    await page.getByRole('button', { name: 'Make every shot anew' }).click();
    await page.locator('#create-blockers', { hasText: 'Add the picture for board/04.png.' }).waitFor();
    await modeOption('Text').click();
  });

  it('compares two clips side by side, and extends one', async () => {
    await page.goto(`${server.url}/#/gallery`);
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByRole('checkbox', { name: `Pick “${PROMPT}” to compare` }).check();
    await page.getByRole('checkbox', { name: `Pick “${REMIX_PROMPT}” to compare` }).check();
    await page.getByRole('button', { name: 'Compare side by side' }).click();
    await page.locator('.player-stage.count-2 video').nth(1).waitFor();
    expect(await page.locator('.compare-table tr.differs th').allTextContents()).toEqual(['Prompt']);
    await screenshot(page, '09-compare');

    // Extend: from the player, into Create with the video chosen.
    await page.goto(`${server.url}/#/gallery`);
    await page.locator('li.video-card', { hasText: REMIX_PROMPT }).locator('a').click();
    await page.locator('dialog.player-dialog').getByRole('button', { name: 'Extend' }).click();
    await page.locator('label.mode-option.selected', { hasText: 'Extend' }).waitFor();
    const remix = (await videos()).find((v) => v.prompt === REMIX_PROMPT)!;
    expect(await page.inputValue('.extend-picker select')).toBe(remix.id);
    await typePrompt('a small blue ball falls on green grass');
    await generate().click();
    await card('a small blue ball falls on green grass').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    const extension = (await videos()).find((v) => v.prompt === 'a small blue ball falls on green grass');
    expect(extension).toMatchObject({ mode: 'extend', inputs: [{ role: 'prefix', source: `video:${remix.id}` }] });
    await modeOption('Text').click();
  });

  it('switches the interface to Chinese and back', async () => {
    await page.goto(`${server.url}/#/create`);
    // the story mode's example script follows the language until it is edited
    await modeOption('Story').click();
    const example = 'title: Ruby\ncast:\n  Ruby: a small red striped ball\nshots:\n  - 2s: Ruby bounces on green grass\n  - 2s continue: Ruby moves left on green grass\n  - Ruby falls at night';
    await page.fill('#story-script', example);
    await page.selectOption('#lang-select', 'zh');
    await page.getByRole('link', { name: '作品库', exact: true }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.inputValue('#story-script')).toMatch(/^标题：阿红\n角色：\n {2}阿红：一个小的红色条纹球\n/);
    await modeOption('文生视频').click();
    expect(await generate().textContent()).toContain('生成');
    await typePrompt('一个红色的球在绿色草地上弹跳');
    await page.locator('.meaning', { hasText: '理解为：' }).waitFor();
    expect(await page.locator('.meaning').textContent()).toContain('红色');
    await screenshot(page, '10-chinese');
    await page.selectOption('#lang-select', 'en');
    await page.getByRole('link', { name: 'Gallery', exact: true }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/create`);
    await typePrompt(PROMPT);
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, '11-phone-create');
    
    await page.goto(`${server.url}/#/gallery`);
    await page.locator('li.video-card img').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, '12-phone-gallery');
    await page.locator('li.video-card a').first().click();
    await waitUntil(page, VIDEO_PLAYS);
    await screenshot(page, '13-phone-player');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('finds the videos again after the server restarts', async () => {
    const before = (await videos()).map((v) => v.id).sort();
    await server.close();
    server = await startStudioServer(dataDir, { debug: DEBUG }, server.port);
    await page.goto(`${server.url}/#/gallery`);
    await page.reload();
    const item = page.locator('li.video-card', { hasText: REMIX_PROMPT });
    await item.locator('img').waitFor();
    expect(await page.locator('li.video-card').count()).toBe(before.length);
    expect((await videos()).map((v) => v.id).sort()).toEqual(before);
    await screenshot(page, '14-gallery-after-restart');
    // …and remixes one of them there.
    await item.locator('a').click();
    const dialog = page.locator('dialog.player-dialog');
    await dialog.getByRole('button', { name: 'Remix' }).first().click();
    await dialog.locator('#remix-prompt').fill('a small green ball bounces on green grass');
    await dialog.locator('#remix-prompt-issues .token-count').waitFor();
    await dialog.locator('form.remix-form button[type=submit]').click();
    await card('a small green ball bounces on green grass').locator('.status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
  });

  it('deletes a video (after a confirmation)', async () => {
    await page.goto(`${server.url}/#/gallery`);
    await page.locator('li.video-card', { hasText: CANCEL_PROMPT }).locator('a').click();
    const dialog = page.locator('dialog.player-dialog');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByText('Delete this video and its files?').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('li.video-card', { hasText: CANCEL_PROMPT }).waitFor({ state: 'detached' });
    expect((await videos()).some((v) => v.prompt === CANCEL_PROMPT)).toBe(false);
  });

  it('shows no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the studio on a server with API keys', { timeout: 60_000 }, () => {
  let server: StudioServer;
  let browser: Browser;

  beforeAll(async () => {
    expect((await ensureStudioBuilt()).error).toBeUndefined();
    server = await startStudioServer(await tempDir('cinesim-studio-auth-'), { auth: true });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for a key, then works with it: cost, balance and usage', async () => {
    const { key } = server.app.keys.create({ name: 'studio-test', credits: 10 });
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'This server needs an API key' }).waitFor();
    await screenshot(page, '15-needs-key');
    await page.getByRole('textbox', { name: 'API key' }).fill(key);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#prompt').waitFor();
    await page.locator('.credits', { hasText: '10 credits' }).waitFor();
    expect(await page.locator('.cost').textContent()).toContain('8 credits left after this video');

    await page.fill('#prompt', PROMPT);
    await page.locator('.meaning').waitFor();
    await page.locator('form.create-form button[type=submit]').click();
    await page.locator('li.job-card .status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    await page.locator('.credits', { hasText: '8 credits' }).waitFor();

    await page.goto(`${server.url}/#/settings`);
    await page.locator('.connection', { hasText: 'Connected' }).waitFor();
    expect(await page.locator('.usage-grid').textContent()).toContain('Charged2');
    await screenshot(page, '16-settings-usage');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes a list again after some lines were refused: the lines made are kept, only the others are sent and charged', async () => {
    const prompts = ['a small yellow ball bounces on green grass', 'a large blue square moves left at night', 'a small green star spins at night'];
    const { key, info } = server.app.keys.create({ name: 'list-again', credits: 6 }); // the list once: 3 lines × 2 s × 1 credit
    const call = (path: string, init: RequestInit = {}) => fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    const made = async () => ((await (await call('/v1/videos?limit=100')).json()) as { data: Video[] }).data.filter((v) => prompts.includes(v.prompt ?? ''));
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.getByRole('textbox', { name: 'API key' }).fill(key, { timeout: 90_000 });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.credits', { hasText: '6 credits' }).waitFor({ timeout: 90_000 });
    await page.locator('label.mode-option', { hasText: /^List$/ }).click();
    await page.fill('#prompt-list', prompts.join('\n'));
    await page.locator('.list-check', { hasText: 'Prompts: 3 · videos: 3' }).waitFor();
    const generate = page.locator('form.create-form button[type=submit]');
    await expect.poll(() => generate.isDisabled()).toBe(false);

    // Credits spent elsewhere meanwhile (the CLI, another tab): the third line is refused (402).
    expect((await call('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: 'a red ball bounces', seconds: '2' }) })).status).toBe(200);
    await generate.click();
    await page.locator('#create-blockers .error-text', { hasText: /^2 of 3 videos were queued .*credits/ }).waitFor();
    expect((await made()).map((v) => v.prompt).sort()).toEqual(prompts.slice(0, 2).sort());

    // Credits granted, the page opened again: the two lines made are shown as made, the third is the only one to make.
    server.app.ledger.grant(info.id, 6);
    await page.reload();
    await page.locator('.credits', { hasText: '6 credits' }).waitFor();
    await page.locator('.list-check', { hasText: '2 of 3 videos are made already; Generate makes the other 1.' }).waitFor();
    expect(await page.locator('.create-form .cost-value').textContent()).toBe('2 credits');
    await expect.poll(() => generate.isDisabled()).toBe(false);
    await screenshot(page, '17-list-again');
    await generate.click();
    await page.locator('.toast', { hasText: 'Queued.' }).waitFor();
    await expect.poll(async () => (await made()).map((v) => v.prompt).sort(), { timeout: 90_000 }).toEqual([...prompts].sort());
    expect(((await (await call('/v1/usage')).json()) as { balance: number }).balance).toBe(4); // charged for the third line only
    // Every line made: Generate again is a new take of the whole list, with a new seed (the seed is not locked).
    await expect.poll(async () => (await made()).every((v) => v.status === 'completed'), { timeout: 90_000 }).toBe(true);
    await page.locator('.list-check', { hasText: 'All 3 videos are made; Generate makes them again with a new seed.' }).waitFor();
    expect(await page.locator('.create-form .cost-value').textContent()).toBe('6 credits');
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000); // three clips made with their sound: slow when the whole suite shares 2 cores

  it('waits out the key\'s rate limit (429, Retry-After): the prompt is still checked and the video made', async () => {
    const { key, info } = server.app.keys.create({ name: 'limited', credits: 10, rateLimit: 600 }); // 10 requests a second
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.evaluate('localStorage.clear()'); // the test before saved its key in this browser
    await page.reload();
    await page.getByRole('textbox', { name: 'API key' }).fill(key);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#prompt').waitFor();
    await page.locator('.credits', { hasText: '10 credits' }).waitFor();
    // The key's bucket emptied: every request is refused for a moment, then goes through.
    while (server.app.rateLimiter.take(info.id, 600).allowed);
    await page.fill('#prompt', PROMPT);
    await page.locator('.meaning').waitFor({ timeout: 15_000 });
    while (server.app.rateLimiter.take(info.id, 600).allowed);
    await page.locator('form.create-form button[type=submit]').click();
    await page.locator('li.job-card .status-badge', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
