/* grant.h: what grantd and grantctl share. */
#ifndef GRANT_H
#define GRANT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define GRANT_ERRLEN 256
#define GRANT_CURRENCY "GBP"
#define GRANT_DISPLAY_TZ "Europe/London"
#define GRANT_DEFAULT_SOCKET "/run/grantd/grantd.sock"

/* money.c: amounts are integer pence, never floating point. */
#define MONEY_MAX_PENCE ((int64_t)999999999999999)	/* £9.99 trillion */
#define MONEY_BUFLEN 32
int		 money_parse(const char *, int64_t *, char *, size_t);
const char	*money_format(int64_t, char *, size_t);

/* date.c: UTC for storage and the API, Europe/London for people. */
int		 date_parse_local(const char *, int, time_t *, char *, size_t);
int		 date_parse_utc(const char *, time_t *);
const char	*date_format_utc(time_t, char *, size_t);
const char	*date_format_local(time_t, char *, size_t);
const char	*date_format_local_input(time_t, char *, size_t);
int		 date_year_local(time_t);
void		 date_today_local(char *, size_t, int *);

/*
 * score.c: weighted scores in hundredths of a point, exact: an assessor's
 * is the sum of score x weight (weights add up to 100); a mean over n is
 * rounded once, half away from zero. A criterion's mean of n scores summing
 * to s is score_mean(s * 100, n).
 */
#define SCORE_BUFLEN 32
int64_t		 score_weighted(const int *, const int *, size_t);
int64_t		 score_mean(int64_t, int64_t);
const char	*score_format(int64_t, char *, size_t);

/*
 * workday.c: working days (Monday to Friday, less a list of bank
 * holidays), days counted from 1970-01-01. workday_between(from, to) is
 * the working days after from up to and including to; negative when to
 * is earlier.
 */
#define WORKDAY_MAX_HOLIDAYS 2000
struct workday_calendar {
	long	 days[WORKDAY_MAX_HOLIDAYS];	/* sorted */
	size_t	 n;
};
long		 workday_day(int, int, int);
void		 workday_ymd(long, int *, int *, int *);
int		 workday_weekday(long);
int		 workday_parse_date(const char *, long *);
long		 workday_today(void);
int		 workday_load(struct workday_calendar *, const char *, char *,
		     size_t);
int		 workday_is_working(const struct workday_calendar *, long);
long		 workday_add(const struct workday_calendar *, long, int);
long		 workday_between(const struct workday_calendar *, long, long);
const char	*workday_format(long, char *, size_t);
const char	*workday_iso(long, char *, size_t);

/*
 * schedule.c: a grant's payment plan as tranches that add up to the award
 * exactly, each due on a working day (moved back over weekends and bank
 * holidays). A plan is text, as grantctl takes it: "single", "quarterly
 * --years N", "yearly --years N", "taper --shares 100,50,20", "custom
 * --tranche DATE:AMOUNT ...".
 */
#define SCHEDULE_MAX		120
#define SCHEDULE_MAX_YEARS	10
enum schedule_kind {
	SCHEDULE_SINGLE, SCHEDULE_QUARTERLY, SCHEDULE_YEARLY, SCHEDULE_TAPER,
	SCHEDULE_CUSTOM
};
struct schedule_spec {
	enum schedule_kind	 kind;
	int			 years;
	int			 nshares, shares[SCHEDULE_MAX_YEARS];
	int			 ncustom;
	long			 custom_day[SCHEDULE_MAX];
	int64_t			 custom_amount[SCHEDULE_MAX];
};
struct schedule_tranche {
	long		 day;
	int64_t		 amount;
	int64_t		 match;		/* partners' share (taper) */
	int		 has_match;
};
int		 schedule_parse(const char *, struct schedule_spec *, char *,
		     size_t);
const char	*schedule_kind_name(enum schedule_kind);
long		 schedule_add_months(long, int);
long		 schedule_working_before(const struct workday_calendar *, long);
int		 schedule_make(const struct schedule_spec *,
		     const struct workday_calendar *, long, int64_t,
		     struct schedule_tranche *, size_t *, char *, size_t);

/* state.c: the lifecycles of HACKING.md, as tables of legal moves. */
enum state_machine {
	STATE_ROUND,
	STATE_APPLICATION,
	STATE_GRANT,
	STATE_TRANCHE,
	STATE_PAYRUN,
};
int		 state_valid(enum state_machine, const char *);
int		 state_can_move(enum state_machine, const char *, const char *);
const char	*state_machine_name(enum state_machine);

/* check.c: what outside input may be, in one place. */
#define CHECK_ADDRESS_MAX	254	/* an address column */
#define CHECK_NAME_MAX		200	/* names and titles */
#define CHECK_MSGID_MAX		250	/* a Message-ID column */
#define CHECK_TEXT_MAX		65535	/* a TEXT column */
#define CHECK_REFS_MAX		2000	/* a References list we keep and send */
#define CHECK_VALUE_MAX		2000	/* one value in an audit row's detail */
int		 check_address(const char *);
int		 check_address_public(const char *);
int		 check_code(const char *, size_t, size_t, int);
char		*check_text_clean(char *, int);
char		*check_text_escape(const char *, int);
int		 check_bound(char *, size_t);
char		*check_bounded(const char *, size_t);
int		 check_bound_ids(char *, size_t);

/* csv.c */
struct csv_record {
	size_t	 line;		/* where the record starts, from 1 */
	size_t	 nfields;
	char	**fields;
};
int		 csv_parse(const char *, size_t, struct csv_record **, size_t *,
		     char *, size_t);
void		 csv_free(struct csv_record *, size_t);

/* log.c */
enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
void		 log_init(const char *, int, enum log_level);
void		 log_set_level(enum log_level);
int		 log_level_parse(const char *, enum log_level *);
void		 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void		 fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* util.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
char		*xstrdup(const char *);
int		 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));
void		 errfmt(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
void		 utf8_truncate(char *, size_t);
struct strbuf {
	char	*s;
	size_t	 len, cap;
};
void		 strbuf_add(struct strbuf *, const char *, size_t);
int		 file_open_regular(const char *);
char		*file_read(const char *, size_t, size_t *);

#endif
