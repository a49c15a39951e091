/**
 * The web view's only script: opens an item's actions menu from its "⋮" button or by right-click,
 * supports arrow keys and Escape, and, when several rows are ticked, rewrites the `ids` parameter of
 * multi-select commands to the whole selection.
 */
export const MENU_SCRIPT = `
(() => {
  let open = null;
  const close = () => {
    if (!open) return;
    open.menu.hidden = true;
    open.button.setAttribute('aria-expanded', 'false');
    open = null;
  };
  const selection = () => [...document.querySelectorAll('tr[data-item-id]')]
    .filter((row) => row.querySelector('input.select')?.checked);
  const show = (row, x, y, viaKeyboard) => {
    close();
    const button = row.querySelector('button.actions');
    const menu = row.querySelector('[role=menu]');
    const selected = selection();
    const multi = selected.length > 1 && selected.includes(row);
    for (const item of menu.querySelectorAll('[role=menuitem][href]')) {
      const url = new URL(item.dataset.href);
      const targets = (item.dataset.targets || '').split(' ');
      if (multi && item.dataset.multi === 'true' && selected.every((r) => targets.includes(r.dataset.kind))) {
        url.searchParams.set('ids', selected.map((r) => r.dataset.itemId).join(','));
      }
      item.href = url.toString();
    }
    menu.hidden = false;
    menu.style.left = x + 'px';
    menu.style.top = y + 'px';
    button.setAttribute('aria-expanded', 'true');
    open = { menu, button };
    if (viaKeyboard) menu.querySelector('[role=menuitem]')?.focus();
  };
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button.actions');
    if (button) {
      const wasOpen = open && open.button === button;
      if (wasOpen) return close();
      const box = button.getBoundingClientRect();
      show(button.closest('tr'), box.left + window.scrollX, box.bottom + window.scrollY, event.detail === 0);
      event.stopPropagation();
      return;
    }
    if (!event.target.closest('[role=menu]')) close();
  });
  document.addEventListener('contextmenu', (event) => {
    const row = event.target.closest('tr[data-item-id]');
    if (!row) return;
    event.preventDefault();
    show(row, event.pageX, event.pageY, false);
  });
  document.addEventListener('keydown', (event) => {
    if (!open) return;
    const items = [...open.menu.querySelectorAll('[role=menuitem]')];
    const index = items.indexOf(document.activeElement);
    if (event.key === 'Escape') { const button = open.button; close(); button.focus(); }
    else if (event.key === 'ArrowDown') { event.preventDefault(); items[(index + 1) % items.length]?.focus(); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); items[(index - 1 + items.length) % items.length]?.focus(); }
  });
})();
`;
