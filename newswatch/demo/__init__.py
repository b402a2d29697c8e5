"""newswatch.demo"""
