"""Courses: cohorts of the preparatory course, enrollments, completion and waivers."""
