public class Main {
    public static void main(String[] args) {
        // Your code here
    }
}
