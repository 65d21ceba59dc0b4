// Loads search-engine.js on first use of the search box (focus, click or "/").
{
  const box = document.querySelector('.site-search');
  let engine;
  const open = (e) => {
    if (e.type !== 'focus') e.preventDefault();
    (engine ??= import(box.dataset.engine)).then((m) => m.open(box, e.type !== 'focus' || document.activeElement === box));
  };
  if (box) {
    box.onclick = box.onfocus = open;
    addEventListener('keydown', (e) => {
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.target.closest('input,textarea,select,[contenteditable]')) open(e);
    });
  }
}
