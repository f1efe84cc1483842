// Helpers for writing scenarios: a fact is its question, the answer strings any of which counts,
// the superseded values (when it changes), and the steps that state it.
//   U(text)  the user says it          A(text)  the assistant says it
//   CALL(name, args, result)  the assistant calls a tool (arguments and result are context too)
// opts.gap: units after the previous step ('far': 12–26 % of the conversation later);
// by default a user step comes one unit after the previous step, an assistant step or a call in
// the same unit. opts.lang: the language of that unit (multilingual conversations).
export const U = (text, opts = {}) => ({ who: 'u', text, ...opts });
export const A = (text, opts = {}) => ({ who: 'a', text, ...opts });
export const CALL = (name, args, result, opts = {}) => ({ who: 'call', name, args, result, ...opts });
export const F = (id, kind, question, answer, steps, opts = {}) => ({ id, kind, question, answer, steps, ...opts });
