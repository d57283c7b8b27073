/* FlexPBX service worker: push notifications and the offline portal shell. */
'use strict';

const CACHE_NAME = 'flexpbx-portal-v1';
// Public half of the VAPID key pair: safe to publish.
const VAPID_PUBLIC_KEY = '{{VAPID_PUBLIC}}';
const OFFLINE_URLS = ['/portal/', '/portal/js/portal.js', '/portal/css/portal.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.addAll(OFFLINE_URLS)));
});

self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || 'FlexPBX', {
    body: data.body || 'You have a new notification.',
    icon: '/portal/img/logo.png',
    data: { url: data.url || '/portal/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});

self.addEventListener('message', (event) => {
  if (event.data === 'vapid-key') {
    event.source.postMessage(VAPID_PUBLIC_KEY);
  }
});
