// The search box (see search-engine.js): loads the engine on first use, so pages carry only this.
{
  const box = document.querySelector('.site-search');
  let engine;
  const open = (e) => {
    if (e.type !== 'focus') e.preventDefault();
    (engine ??= import(box.dataset.engine)).then((m) => m.open(box, e.type !== 'focus' || document.activeElement === box));
  };
  if (box) {
    box.addEventListener('click', open);
    box.addEventListener('focus', open);
    addEventListener('keydown', (e) => {
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.target.closest('input, textarea, select, [contenteditable]')) open(e);
    });
  }
}
