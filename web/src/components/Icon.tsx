/** A few line icons (24×24, stroke currentColor), inline so the page needs no icon font or extra requests. */
const PATHS = {
  play: 'M7 5l12 7-12 7z',
  pause: 'M7 5h3v14H7zM14 5h3v14h-3z',
  prev: 'M15 6l-6 6 6 6',
  next: 'M9 6l6 6-6 6',
  loop: 'M4 12a6 6 0 016-6h8m-3-3l3 3-3 3M20 12a6 6 0 01-6 6H6m3 3l-3-3 3-3',
  download: 'M12 4v11m-5-5l5 5 5-5M5 20h14',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  remix: 'M4 7h11l-3-3m3 3l-3 3M20 17H9l3 3m-3-3l3-3',
  extend: 'M4 12h12m-4-4l4 4-4 4M20 5v14',
  trash: 'M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13',
  close: 'M6 6l12 12M18 6L6 18',
  lock: 'M7 11V8a5 5 0 0110 0v3M6 11h12v9H6z',
  unlock: 'M7 11V8a5 5 0 019.6-2M6 11h12v9H6z',
  dice: 'M5 5h14v14H5zM9 9h.01M15 15h.01M15 9h.01M9 15h.01',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM20 20l-4-4',
  compare: 'M4 5h7v14H4zM13 5h7v14h-7z',
  sparkle: 'M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2z',
  settings: 'M12 15a3 3 0 100-6 3 3 0 000 6zM19 12l2-1-1-3-2 .5-1.5-1.5.5-2-3-1-1 2h-2l-1-2-3 1 .5 2L6 7.5 4 7 3 10l2 1v2l-2 1 1 3 2-.5 1.5 1.5-.5 2 3 1 1-2h2l1 2 3-1-.5-2 1.5-1.5 2 .5 1-3-2-1z',
  grid: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  list: 'M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01',
  stop: 'M6 6h12v12H6z',
  alert: 'M12 4l9 16H3zM12 10v4M12 17h.01',
  gamepad: 'M7 8h10a4 4 0 014 4v1a3 3 0 01-5.2 2H8.2A3 3 0 013 13v-1a4 4 0 014-4zM8 11v3M6.5 12.5h3M15 12h.01M17 13.5h.01',
  left: 'M15 6l-6 6 6 6',
  right: 'M9 6l6 6-6 6',
  up: 'M6 15l6-6 6 6',
  down: 'M6 9l6 6 6-6',
  reset: 'M4 12a8 8 0 108-8H8m0 0l3-3M8 4l3 3',
  sound: 'M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 010 6M19 6a8 8 0 010 12',
  mute: 'M4 9h4l5-4v14l-5-4H4zM17 9l5 6M22 9l-5 6',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
