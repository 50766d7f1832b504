using System;

namespace Corgi.NN;

/// <summary>
/// An activation function applied to a layer's output (the seed's <c>activation::relu()</c> and kin):
/// a named, differentiable tensor function. Build your own with <see cref="Activation(string, Func{Tensor, Tensor})"/>.
/// </summary>
/// <example>
/// <code>
/// var relu = Activation.Relu();
/// var swish = new Activation("swish", x =&gt; x * x.Sigmoid());
/// var layer = new Dense(4, 8, Initializer.He(seed: 1), swish);
/// </code>
/// </example>
public sealed class Activation
{
    private readonly Func<Tensor, Tensor> _function;

    /// <summary>Wraps a tensor function as an activation.</summary>
    /// <param name="name">A name for printing.</param>
    /// <param name="function">The function; it must be built from differentiable tensor operations.</param>
    public Activation(string name, Func<Tensor, Tensor> function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _function = function;
    }

    /// <summary>The activation's name.</summary>
    public string Name { get; }

    /// <summary>Applies the activation.</summary>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _function(input);
    }

    /// <summary>The activation as a plain function.</summary>
    public Func<Tensor, Tensor> Function => _function;

    /// <summary>max(x, 0).</summary>
    /// <remarks>
    /// Always the same instance, which layers recognise: <see cref="Conv"/> then fuses the rectifier into its
    /// convolution (<see cref="Tensor.Conv2dRelu(Tensor, Tensor?, int, int)"/>). An activation built by hand
    /// from <see cref="Tensor.Relu"/> gives the same values, unfused.
    /// </remarks>
    public static Activation Relu() => s_relu;

    private static readonly Activation s_relu = new("relu", static x => x.Relu());

    /// <summary>True for the activation returned by <see cref="Relu"/>, which layers may fuse with their own op.</summary>
    internal bool IsRelu => ReferenceEquals(this, s_relu);

    /// <summary>x for x &gt; 0, else slope * x.</summary>
    public static Activation LeakyRelu(double slope = 0.01) => new($"leaky_relu({slope})", x => x.LeakyRelu(slope));

    /// <summary>The logistic function 1 / (1 + e^-x).</summary>
    public static Activation Sigmoid() => new("sigmoid", static x => x.Sigmoid());

    /// <summary>The hyperbolic tangent.</summary>
    public static Activation Tanh() => new("tanh", static x => x.Tanh());

    /// <summary>Softmax along a dimension (default the last: the classes of a [batch, classes] output).</summary>
    public static Activation Softmax(int dim = -1) => new("softmax", x => x.Softmax(dim));

    /// <summary>Log-softmax along a dimension (default the last).</summary>
    public static Activation LogSoftmax(int dim = -1) => new("log_softmax", x => x.LogSoftmax(dim));

    /// <summary>The identity (no activation).</summary>
    public static Activation Identity() => new("identity", static x => x);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
