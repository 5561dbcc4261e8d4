"""What teachers and authors use: grading, class grading, releases, integrity and verify."""
