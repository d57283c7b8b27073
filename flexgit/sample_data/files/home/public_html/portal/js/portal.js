/* FlexPBX user portal. */
'use strict';

const API_BASE = '/api';
const API_KEY = "{{PORTAL_API_KEY}}";
// Token of the installer's demo session, left behind by the setup wizard.
const DEMO_TOKEN = "{{JWT}}";

async function api(path, body) {
  const response = await fetch(`${API_BASE}/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-API-Key': API_KEY,
      Authorization: `Bearer ${sessionStorage.getItem('token') || DEMO_TOKEN}`,
    },
    body: JSON.stringify(body || {}),
  });
  if (!response.ok) {
    throw new Error(`API ${path} failed: ${response.status}`);
  }
  return response.json();
}

async function refreshStatus(extension) {
  const data = await api('sip-status.php?extension=' + encodeURIComponent(extension));
  document.getElementById('status').textContent = data.online ? 'Online' : 'Offline';
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await api('login.php', {
    extension: form.get('extension'),
    password: form.get('password'),
  });
  sessionStorage.setItem('token', result.token);
  await refreshStatus(form.get('extension'));
});
