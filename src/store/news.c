/* news.c — news and fact-check store functions, written once for both backends. */
#include "store/news.h"

#include "store/engine.h"
#include "store/rows.h"

#define INSTITUTIONS_MAX 500

static int inst_put(hy_store *s, const struct hy_news_inst *in) {
    return hy_st_exec(s, HY_Q_NEWS_INST_PUT,
                      HY_ARGS(hy_arg_text(in->slug), hy_arg_text(in->name_fa),
                              hy_arg_text(in->name_en), hy_arg_text(in->colour),
                              hy_arg_text(in->website), hy_arg_i64(in->updated_at)));
}

static int inst_get(hy_store *s, const char *slug, hy_arena *a, struct hy_news_inst *ret) {
    return hy_st_one(s, HY_Q_NEWS_INST_GET, HY_ARGS(hy_arg_text(slug)), &hy_row_news_inst, a, ret);
}

static int inst_list(hy_store *s, hy_arena *a, struct hy_news_inst **ret) {
    return hy_st_list(s, HY_Q_NEWS_INST_LIST, HY_NO_ARGS, &hy_row_news_inst, INSTITUTIONS_MAX, a,
                      ret);
}

static int doc_list(hy_store *s, const char *type, const char *status, size_t limit, hy_arena *a,
                    struct hy_lib_doc **ret) {
    if (limit > HY_NEWS_LIST_MAX) limit = HY_NEWS_LIST_MAX;
    return hy_st_list(s, HY_Q_NEWS_DOC_LIST,
                      HY_ARGS(hy_arg_text(type), hy_arg_text(status), hy_arg_i64((int64_t)limit)),
                      &hy_row_lib_doc, limit, a, ret);
}

static int claim_insert(hy_store *s, const struct hy_fc_claim *c) {
    return hy_st_exec(s, HY_Q_FC_CLAIM_INSERT,
                      HY_ARGS(hy_arg_text(c->id), hy_arg_text(c->claim), hy_arg_text(c->url),
                              hy_arg_text(c->language), hy_arg_i64(c->created_at)));
}

static int claim_list(hy_store *s, size_t limit, hy_arena *a, struct hy_fc_claim **ret) {
    if (limit > HY_NEWS_LIST_MAX) limit = HY_NEWS_LIST_MAX;
    return hy_st_list(s, HY_Q_FC_CLAIM_LIST, HY_ARGS(hy_arg_i64((int64_t)limit)), &hy_row_fc_claim,
                      limit, a, ret);
}

const struct hy_news_ops hy_st_news_ops = {
    .claim_insert = claim_insert,
    .claim_list = claim_list,
    .inst_put = inst_put,
    .inst_get = inst_get,
    .inst_list = inst_list,
    .doc_list = doc_list,
};
