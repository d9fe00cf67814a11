/* account.h — the records of people's accounts: users, volunteer profiles, sessions, the audit
 * log and outgoing messages. Plain data without HTTP or SQL: the store fills and reads them
 * (store/store.h), the API turns them into answers.
 *
 * Strings point into the arena passed to the store function that filled the record. */
#ifndef HY_DOMAIN_ACCOUNT_H
#define HY_DOMAIN_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/id.h"

struct hy_user {
    char id[HY_ID_LEN + 1];
    const char *email;         /* lowercased, or NULL */
    const char *phone;         /* E.164, or NULL (personal data) */
    const char *name;
    const char *password_hash; /* Argon2id string, or NULL when no password is set */
    const char *role;          /* member, volunteer, coordinator, editor, admin */
    const char *status;        /* pending, approved, suspended */
    const char *language;      /* fa, en */
    int64_t created_at, updated_at;
    bool demo; /* an example account of `serve --demo` (read only; the demo loader marks it) */
};

/* The version of the privacy notice (web/_pages/privacy.html, its "last updated" date) that a
 * volunteer agrees to when signing up; recorded with the consent. */
#define HY_PRIVACY_VERSION "2025-11-27"

struct hy_volunteer {
    char user_id[HY_ID_LEN + 1];
    bool has_area;
    double lat, lon;    /* the home area, stored rounded to about 500 m */
    double radius_km;
    const char *skills;       /* a JSON array of strings */
    const char *languages;    /* a JSON array of strings */
    const char *availability; /* free text */
    int64_t consent_at;          /* when the privacy notice was agreed to; 0 = not recorded */
    const char *consent_version; /* which notice (HY_PRIVACY_VERSION then), or NULL */
};

struct hy_session {
    char user_id[HY_ID_LEN + 1];
    const char *csrf;
    int64_t created_at, last_seen, expires_at;
};

/* An API token as listed: never its secret nor the secret's hash. */
struct hy_api_token {
    char id[HY_ID_LEN + 1];
    char user_id[HY_ID_LEN + 1];
    const char *name;   /* what it is for, may be empty */
    int64_t created_at;
    int64_t expires_at; /* 0 = no date of its own (the server's --token-max-days still applies) */
    int64_t last_used_at; /* 0 = never; recorded to the minute */
};

struct hy_audit_entry {
    int64_t id, at;
    const char *actor_id;   /* NULL for the system or an anonymous caller */
    const char *action;     /* e.g. "login", "login_failed", "volunteer_approved" */
    const char *subject_id; /* the user or record acted on, or NULL */
    const char *detail;     /* never personal data */
};

struct hy_user_filter {
    const char *role;   /* NULL = any */
    const char *status; /* NULL = any */
    size_t limit, offset;
};

struct hy_outbox_message {
    int64_t created_at;
    const char *recipient; /* a phone number or an e-mail address */
    const char *channel;   /* "sms", "email" */
    const char *language;
    const char *template_name;
    const char *payload; /* JSON object */
};

#endif
