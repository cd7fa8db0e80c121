/*
 * score.c: assessment arithmetic, exact. Scores are whole points and
 * criteria weights whole percentages adding up to 100, so an assessor's
 * weighted score in hundredths of a point is the sum of score x weight,
 * with nothing rounded. Only a mean divides, and it is rounded once, at
 * the end, half away from zero, to hundredths: grantctl(1) states the rule.
 */
#include <stdio.h>

#include "grant.h"

int64_t
score_weighted(const int *scores, const int *weights, size_t n)
{
	int64_t	 sum = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		sum += (int64_t)scores[i] * weights[i];
	return sum;
}

int64_t
score_mean(int64_t total, int64_t n)
{
	if (n <= 0)
		return 0;
	return total >= 0 ? (total + n / 2) / n : -((-total + n / 2) / n);
}

const char *
score_format(int64_t hundredths, char *buf, size_t len)
{
	int64_t	 a = hundredths < 0 ? -hundredths : hundredths;

	snprintf(buf, len, "%s%lld.%02lld", hundredths < 0 ? "-" : "",
	    (long long)(a / 100), (long long)(a % 100));
	return buf;
}
