/** The ordered tool inventory: the order here is the order in tools/list. */
import { fetchTool } from './fetch.js';

export const tools = [fetchTool];
