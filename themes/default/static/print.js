// Progressive enhancement for guides: a button that opens the print dialog. Without this file the
// hint beside it still says how to print (Ctrl+P); the print stylesheet does the rest.
for (const hint of document.querySelectorAll('[data-print-label]')) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button-secondary print-button';
  button.textContent = hint.dataset.printLabel;
  button.addEventListener('click', () => window.print());
  hint.append(' ', button);
}
