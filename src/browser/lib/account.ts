// The account page after a change: the server renders it again (the one renderer of its
// state, with dates and texts in the page's language) and the changed sections replace
// the old ones. A session that ended meanwhile lands where the server sends it.
const SECTIONS = ['identity', 'passkeys-section', 'bindings-section', 'history-section'];

export async function refreshAccount(): Promise<void> {
  const response = await fetch('/account', { headers: { accept: 'text/html' }, credentials: 'same-origin' });
  if (response.redirected && new URL(response.url).pathname !== '/account') {
    location.assign(response.url);
    return;
  }
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const id of SECTIONS) {
    const next = fresh.getElementById(id);
    const current = document.getElementById(id);
    if (next && current) current.replaceWith(document.importNode(next, true));
  }
  // The link section changes only when linking becomes impossible (or possible again).
  const link = document.getElementById('link');
  const nextLink = fresh.getElementById('link');
  if (link && nextLink && !!link.querySelector('#link-wallet') !== !!nextLink.querySelector('#link-wallet'))
    link.replaceWith(document.importNode(nextLink, true));
}
