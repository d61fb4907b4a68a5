namespace JoMA.Engine.Dynamics;

/// <summary>How a solve ended.</summary>
public enum SolverStatus
{
    /// <summary>Reached the end time.</summary>
    Completed,
    /// <summary>The solution blew up (finite-time singularity); BlowUpTime says when.</summary>
    BlowUp,
    /// <summary>The step size fell below what double precision resolves, without a blow-up.</summary>
    StepSizeTooSmall,
    /// <summary>The safety cap on steps was reached.</summary>
    TooManySteps,
}
