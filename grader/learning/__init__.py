"""What the learner uses: the commands, progress, reports, watch mode and the workspace."""
