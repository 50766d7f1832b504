using System;

namespace Corgi;

/// <summary>
/// Thrown when an operation receives tensors whose shapes do not fit it. The message names the
/// operation and the shapes, for example
/// <c>matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ</c>.
/// </summary>
public sealed class TensorShapeException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the op and the shapes involved.</summary>
    public TensorShapeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TensorShapeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message (for serializers and frameworks).</summary>
    public TensorShapeException() { }
}
