/* template.h: email templates: subject on the first line, {{name}} values,
 * {{#list}}...{{/list}} sections and {{^list}}...{{/list}} for "none". */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <jansson.h>

int		 template_load_all(const char *, const char *, char *, size_t);
void		 template_free_all(void);
int		 template_exists(const char *);
json_t		*template_list(void);
int		 template_render(const char *, json_t *, char **, char **, char *,
		     size_t);
int		 template_check_text(const char *, int, const char *, char *,
		     size_t);
json_t		*template_sample_vars(void);

#endif
