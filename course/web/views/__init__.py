"""The blueprints, one per area; thin views over the domain functions. Shared helpers: course.web.helpers."""
