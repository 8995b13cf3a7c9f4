// Dashboard sign-in: the admin token goes once to POST /admin/session, which answers with the session
// cookie (HttpOnly, SameSite=Strict); the page then opens the dashboard. The token is not stored.
const form = document.getElementById('sign-in');
const error = document.getElementById('sign-in-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token').value.trim();
  const response = await fetch('/admin/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { authorization: `Bearer ${token}`, 'x-switchyard-dashboard': '1' },
  });
  if (response.ok) {
    window.location.assign('/dashboard');
    return;
  }
  const body = await response.json().catch(() => ({}));
  error.textContent = body.error?.message ?? `sign-in failed (${response.status})`;
  error.hidden = false;
});
