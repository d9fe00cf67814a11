/* messages.h — the text of each notification, in the recipient's language.
 *
 * An outbox row names a template and carries a JSON object of parameters; the delivery worker
 * renders the text here just before sending, so a message is always in the language stored
 * with it. Templates use {name} placeholders filled from the parameters (strings and integers;
 * an unknown or missing placeholder renders as nothing). Persian texts use Persian digits for
 * integer parameters; codes and tokens are left as they are. */
#ifndef HY_MESSAGES_H
#define HY_MESSAGES_H

#include <jansson.h>
#include <stdbool.h>

/* Renders template `name` in `language` (fa or en; anything else falls back to fa) with the
 * parameters of `params` (may be NULL); a string parameter "link" is appended after a space. Returns a malloc()ed string, or NULL for an unknown
 * template or when out of memory. */
char *hy_message_render(const char *name, const char *language, json_t *params);

/* True when `name` is a template we can render. */
bool hy_message_known(const char *name);

#endif
