/**
 * Product pictures for the demo, drawn as SVG on the server: the demo needs no
 * image files and no external URL, so it works offline.
 */
const SHAPES: Record<string, string> = {
  'p-stoneware-mug':
    '<rect x="95" y="80" width="110" height="130" rx="18" fill="#f3efe7"/><path d="M205 110c40 0 40 70 0 70" fill="none" stroke="#f3efe7" stroke-width="16"/><g fill="#6b4e3d" opacity=".5"><circle cx="120" cy="110" r="4"/><circle cx="160" cy="150" r="3"/><circle cx="140" cy="185" r="4"/><circle cx="180" cy="105" r="3"/></g>',
  'p-serving-bowl':
    '<path d="M50 120h200c0 70-45 100-100 100S50 190 50 120z" fill="#dfe9f5"/><ellipse cx="150" cy="120" rx="100" ry="18" fill="#9fb9d9"/>',
  'p-bud-vase':
    '<path d="M80 220c-25 0-25-60 0-85V95h20v40c25 25 25 85 0 85z" fill="#d8c3a5"/><path d="M140 220c-25 0-25-80 0-105V70h20v45c25 25 25 105 0 105z" fill="#8fa98b"/><path d="M200 220c-25 0-25-50 0-75v-30h20v30c25 25 25 75 0 75z" fill="#6c7a89"/>',
  'p-cast-iron-pan':
    '<circle cx="130" cy="150" r="75" fill="#2b2b2b"/><circle cx="130" cy="150" r="60" fill="#3b3b3b"/><rect x="200" y="140" width="80" height="20" rx="8" fill="#2b2b2b"/>',
  'p-copper-kettle':
    '<path d="M90 210c-10-70 20-110 60-110s70 40 60 110z" fill="#c77b4a"/><path d="M115 100c0-45 70-45 70 0" fill="none" stroke="#b08d57" stroke-width="10"/><path d="M210 170l45-35" stroke="#c77b4a" stroke-width="14"/>',
  'p-knife-set':
    '<rect x="70" y="150" width="160" height="70" rx="10" fill="#a47148"/><path d="M100 150V60l18 20v70zM150 150V40l20 25v85zM200 150V80l14 15v55z" fill="#cfd6dc"/>',
};

export function productImage(id: string): string {
  const shape = SHAPES[id] ?? '<circle cx="150" cy="150" r="70" fill="#ddd"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 260" width="300" height="260" role="img"><rect width="300" height="260" fill="#e9e4da"/>${shape}</svg>`;
}
