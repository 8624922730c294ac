/** The ordered tool inventory: the order here is the order in tools/list. */
import { addNote } from './add-note.js';
import { greet } from './greet.js';

export const tools = [greet, addNote];
