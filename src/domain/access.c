#include "domain/access.h"

#include <string.h>

bool hy_role_valid(const char *role) {
    return role && (!strcmp(role, "volunteer") || !strcmp(role, "coordinator") ||
                    !strcmp(role, "editor") || !strcmp(role, "admin") || !strcmp(role, "member"));
}

bool hy_is_role(const struct hy_principal *who, const char *role) {
    return who && who->signed_in && who->role && !strcmp(who->role, role);
}

const char *hy_access_name(enum hy_access rule) {
    switch (rule) {
    case HY_ACCESS_PUBLIC: return "public";
    case HY_ACCESS_SIGNED_IN: return "signed_in";
    case HY_ACCESS_VOLUNTEER: return "volunteer";
    case HY_ACCESS_COORDINATOR: return "coordinator";
    case HY_ACCESS_EDITOR: return "editor";
    case HY_ACCESS_ADMIN: return "admin";
    case HY_ACCESS__COUNT: break;
    }
    return "?";
}

int hy_access_decide(enum hy_access rule, const struct hy_principal *who) {
    if (rule == HY_ACCESS_PUBLIC) return 0;
    if (!who || !who->signed_in) return 401;
    if (who->status && !strcmp(who->status, "suspended")) return 403;
    bool admin = hy_is_role(who, "admin");
    switch (rule) {
    case HY_ACCESS_SIGNED_IN:
        return 0;
    case HY_ACCESS_VOLUNTEER:
        if (admin || hy_is_role(who, "coordinator")) return 0;
        return hy_is_role(who, "volunteer") && who->status && !strcmp(who->status, "approved") ? 0 : 403;
    case HY_ACCESS_COORDINATOR:
        return admin || hy_is_role(who, "coordinator") ? 0 : 403;
    case HY_ACCESS_EDITOR:
        return admin || hy_is_role(who, "editor") ? 0 : 403;
    case HY_ACCESS_ADMIN:
        return admin ? 0 : 403;
    default:
        return 403;
    }
}
