using System;

namespace Corgi.Autodiff;

/// <summary>
/// The local derivative of an operation for one of its inputs: given the upstream gradient, the
/// operation's result, its inputs and the input's position, the gradient for that input (of the
/// result's broadcast shape or the input's own; the engine reduces broadcasts), or null for none.
/// Written with tensor operations, so it is itself differentiable.
/// </summary>
internal delegate Tensor? LocalGradient(Tensor upstream, Tensor result, Tensor[] inputs, int index);

/// <summary>
/// What a recorded result remembers: its inputs, and either one local-derivative rule per input or one
/// rule that returns all inputs' gradients at once (custom operations).
/// </summary>
internal sealed class Node
{
    public readonly string Op;
    public readonly Tensor[] Inputs;
    public readonly LocalGradient? PerInput;
    public readonly Func<Tensor, Tensor, Tensor?[]>? AllInputs;

    /// <summary>
    /// Tensors the derivative reads besides the inputs and the result (captured by its closure: relu's input in
    /// relu_backward, a convolution's gate, a custom op's forward intermediates), or null. Nothing flows back to
    /// them; a <see cref="DisposeScope"/> keeps them alive with the graph, as it keeps the inputs.
    /// </summary>
    public Tensor[]? Saved;

    public Node(string op, Tensor[] inputs, LocalGradient perInput)
    {
        Op = op;
        Inputs = inputs;
        PerInput = perInput;
    }

    public Node(string op, Tensor[] inputs, Func<Tensor, Tensor, Tensor?[]> allInputs)
    {
        Op = op;
        Inputs = inputs;
        AllInputs = allInputs;
    }
}
