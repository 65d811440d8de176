import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';

const Me = z.object({ subject: z.string(), role: z.enum(['viewer', 'operator', 'admin']), method: z.string() });

/** HTTP trigger: who am I (the UI hides what the caller's role cannot do). */
export const authFunction = defineHttpFunction({
  name: 'auth',
  mount(router) {
    route(router, { method: 'get', path: '/auth/me', summary: "The caller's subject and role", role: 'viewer', tag: 'auth', response: Me, errors: [401] }, async (req, res) => {
      res.json({ subject: req.principal!.subject, role: req.principal!.role, method: req.principal!.method });
    });
  },
});

http('auth', buildHttpApp([authFunction]));
