import type { RequestHandler } from 'express';
import { sendScimJson } from '../response.js';

/** scimmy-routers sends what our resource handlers return through res.send → res.json: written by sendScimJson. */
export const scimResponseHeaders: RequestHandler = (req, res, next) => {
  res.json = (body?: unknown) => {
    sendScimJson(req, res, body);
    return res;
  };
  next();
};
